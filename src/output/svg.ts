import { instance } from '@viz-js/viz';

/** Lays out DOT with Graphviz (compiled to WebAssembly, in this process) and returns the SVG. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  const result = viz.render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    const why = result.errors.map((e) => e.message.trim()).join('; ');
    // mimt writes the DOT itself: Graphviz refusing it is mimt's bug, reported as such.
    throw new Error(`Graphviz could not draw the picture: ${why || 'no reason given'}`);
  }
  return result.output.endsWith('\n') ? result.output : `${result.output}\n`;
}
