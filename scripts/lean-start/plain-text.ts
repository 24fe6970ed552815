/**
 * Width and word wrap of plain text (printable ASCII and newlines), as string-width and wrap-ansi
 * compute them, without segmenting graphemes: one column per character. Help text is plain text;
 * anything else (colour, tabs, non-ASCII) is left to the libraries, which is what `undefined` says.
 */

const PLAIN = /^[\x20-\x7e]*$/;
const PLAIN_LINES = /^[\x20-\x7e\n]*$/;

/** The columns a terminal gives `text`, or undefined when it is not plain. */
export function plainWidth(text: string): number | undefined {
  return PLAIN.test(text) ? text.length : undefined;
}

export interface WrapOptions {
  hard?: boolean;
  trim?: boolean;
  wordWrap?: boolean;
}

/**
 * `text` wrapped at `columns` as wrap-ansi wraps it with its default trimming and word wrap: words
 * move to the next row whole; with `hard`, a word longer than a row is broken across rows. Undefined
 * when the text is not plain or the options ask for anything else.
 */
export function plainWrap(text: string, columns: number, options: WrapOptions = {}): string | undefined {
  if (!PLAIN_LINES.test(text) || options.trim === false || options.wordWrap === false || !(columns >= 1)) {
    return undefined;
  }
  return text
    .split('\n')
    .map((line) => wrapLine(line, columns, options.hard === true))
    .join('\n');
}

function wrapLine(line: string, columns: number, hard: boolean): string {
  if (line.trim() === '') return '';
  const rows: string[] = [];
  let row = '';
  line.split(' ').forEach((word, index) => {
    row = row.trimStart();
    if (index > 0 && row !== '') row += ' ';
    if (hard && word.length > columns) {
      // A word broken across rows starts on a new row when that takes no more rows than starting here.
      const free = columns - row.length;
      if (Math.floor((word.length - 1) / columns) < 1 + Math.floor((word.length - free - 1) / columns)) {
        rows.push(row);
        row = '';
      }
      for (const character of word) {
        if (row.length === columns) {
          rows.push(row);
          row = '';
        }
        row += character;
      }
      return;
    }
    if (row !== '' && word !== '' && row.length + word.length > columns) {
      rows.push(row);
      row = '';
    }
    row += word;
  });
  rows.push(row);
  return rows.map((r) => r.replace(/ +$/, '')).join('\n');
}
