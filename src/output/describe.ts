import { paint } from './colour.ts';
import type { Description } from './result.ts';
import { renderTable } from './table.ts';

/**
 * kubectl describe's layout: aligned `Label:  value` lines, then each section's title with its
 * table indented below it, a blank line between sections.
 */
export function renderDescribe({ fields, sections }: Description, colour: boolean): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length)) + 3;
  const head = fields.map(([label, cell]) =>
    `${`${label}:`.padEnd(width)}${paint(cell.text, cell.tone, colour)}`.trimEnd(),
  );
  const parts = sections.map((section) => {
    if (!section.rows.length) return `${section.title}:  <none>`;
    const rows = section.rows.map((row) => row.map((cell) => paint(cell.text, cell.tone, colour)));
    const table = renderTable(section.headers, rows)
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`);
    return [`${section.title}:${section.note ? `  ${section.note}` : ''}`, ...table].join('\n');
  });
  return `${[head.join('\n'), ...parts].join('\n\n')}\n`;
}
