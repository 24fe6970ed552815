import { paint } from './colour.ts';
import type { Cell } from './result.ts';
import { renderTable } from './table.ts';

/** One titled part of a description: a table, or `<none>` when it has no rows. */
export interface DescribeSection {
  title: string;
  /** Said after the title, e.g. which events are shown. */
  note?: string;
  headers: string[];
  rows: Cell[][];
}

/**
 * kubectl describe's layout: aligned `Label:  value` lines, then each section's title with its
 * table indented below it, a blank line between sections.
 */
export function renderDescribe(
  fields: [label: string, value: Cell][],
  sections: DescribeSection[],
  colour: boolean,
): string {
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
