import type { Picture, Tone } from './result.ts';

/** Graphviz colours for the tones a terminal shows. */
const COLOURS: Record<Tone, string> = { green: '#2e7d32', yellow: '#b26a00', red: '#c62828', dim: '#757575' };

/** A DOT string: every character Graphviz would read as syntax escaped. */
const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/**
 * A picture in Graphviz's DOT language: left to right, boxes grouped in a frame per group
 * (subgraph cluster_N), failed boxes with a thick red border and a light red fill, tree arrows
 * solid and the other relations dashed, each arrow labelled with its type.
 */
export function renderDot(picture: Picture): string {
  const lines = [
    `digraph ${quote(picture.title)} {`,
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, compound=true];',
    '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=8, color="#555555"];',
  ];
  const node = (n: Picture['nodes'][number], indent: string) => {
    const attributes = [`label=${quote(n.label.join('\n'))}`];
    if (n.tone) attributes.push(`color=${quote(COLOURS[n.tone])}`);
    if (n.failed) attributes.push('penwidth=2.5', 'style="rounded,filled"', 'fillcolor="#fde0e0"');
    return `${indent}${quote(n.id)} [${attributes.join(', ')}];`;
  };
  const groups = [...new Set(picture.nodes.map((n) => n.group).filter((g): g is string => g !== undefined))];
  groups.forEach((group, index) => {
    lines.push(
      `  subgraph cluster_${index} {`,
      `    label=${quote(group)};`,
      '    style="rounded,dashed";',
      '    color="#bbbbbb";',
    );
    for (const n of picture.nodes.filter((m) => m.group === group)) lines.push(node(n, '    '));
    lines.push('  }');
  });
  for (const n of picture.nodes.filter((m) => m.group === undefined)) lines.push(node(n, '  '));
  for (const e of picture.edges) {
    const style = e.tree ? '' : ', style=dashed';
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [label=${quote(e.label)}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
