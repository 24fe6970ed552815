import Table from 'cli-table3';

const BLANK = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
};

/**
 * kubectl's table: upper-case headers, left-aligned columns three spaces apart, no borders, no
 * trailing blanks.
 */
export function renderTable(headers: string[], rows: string[][], options: { noHeaders?: boolean } = {}): string {
  const table = new Table({
    head: options.noHeaders ? [] : headers,
    chars: BLANK,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 3, compact: true },
  });
  table.push(...rows);
  if (rows.length === 0 && options.noHeaders) return '';
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}
