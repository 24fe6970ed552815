import stringWidth from 'string-width';

/** kubectl's column gap (its tabwriter's padding). */
const GAP = 3;

/**
 * kubectl's table: upper-case headers, left-aligned columns three spaces apart, no borders, no
 * trailing blanks. Widths are what a terminal shows (colour codes count for nothing, East Asian
 * wide characters for two). Linear in the rows: cli-table3, used before, lays out a table in time
 * quadratic in its rows (4 s for 4000 rows).
 */
export function renderTable(headers: string[], rows: string[][], options: { noHeaders?: boolean } = {}): string {
  // One row, one line, so that grep and wc -l count rows: a message that spans lines is joined.
  const lines = (options.noHeaders ? rows : [headers, ...rows]).map((line) =>
    line.map((cell) => (cell.includes('\n') ? cell.replace(/\s*\n\s*/g, ' ') : cell)),
  );
  if (lines.length === 0) return '';
  const widths = lines.map((line) => line.map((cell) => stringWidth(cell)));
  const columns = headers.map((_, column) => {
    let widest = 0;
    for (const line of widths) widest = Math.max(widest, line[column] ?? 0);
    return widest + GAP;
  });
  const out = lines.map((line, l) =>
    line
      .map((cell, column) => cell + ' '.repeat((columns[column] ?? 0) - (widths[l]?.[column] ?? 0)))
      .join('')
      .trimEnd(),
  );
  return `${out.join('\n')}\n`;
}
