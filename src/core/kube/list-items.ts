/**
 * Parses a list answer item by item while it arrives. Parsing the whole answer at once held it
 * three times over at its peak — the chunks as received, the joined text, then the parsed page —
 * beside the other lists read in parallel: at ten thousand tenants, most of what `ls` used. Here
 * each element of the answer's `items` (a List) or `rows` (a Table) is parsed on its own as soon as
 * its closing brace arrives, so what is held is the parsed items, one element's text, and the
 * envelope around the array (kind, metadata with `continue`, a Table's column definitions).
 *
 * The scan is over bytes and relies on what every API server sends: compact JSON, a top-level
 * object whose `items` or `rows` member is an array of objects. An answer without such a member
 * (a Status, an error) is all envelope.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const ITEM_KEYS = ['items', 'rows'] as const;
const LONGEST_KEY = Math.max(...ITEM_KEYS.map((k) => `"${k}":`.length));

export type ItemsKey = (typeof ITEM_KEYS)[number];

export interface SplitAnswer {
  /** The answer without its items: the array is left empty. */
  envelope: Buffer;
  /** Which member held the items, if one did. */
  key?: ItemsKey;
  items: unknown[];
}

export class ListItemsParser {
  private readonly items: unknown[] = [];
  private readonly envelope: Buffer[] = [];
  private key: ItemsKey | undefined;
  private depth = 0;
  private inString = false;
  /** The last byte of the chunk before was a backslash inside a string, escaping what comes next. */
  private escaped = false;
  /** Inside the items array. */
  private splitting = false;
  /** The parts of the element being read, from its opening brace, copied from earlier chunks. */
  private element: Buffer[] | undefined;

  push(chunk: Buffer): void {
    let envelopeFrom = this.splitting ? -1 : 0;
    let elementFrom = this.element ? 0 : -1;
    let i = 0;
    while (i < chunk.length) {
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      const c = chunk[i] as number;
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (this.splitting && this.depth === 2) {
          this.element = [];
          elementFrom = i;
        }
        this.depth += 1;
        if (c === OPEN_ARRAY && this.depth === 2 && this.key === undefined) {
          const key = this.keyBefore(chunk.subarray(envelopeFrom, i));
          if (key) {
            this.key = key;
            this.splitting = true;
            this.keepEnvelope(chunk.subarray(envelopeFrom, i + 1));
            envelopeFrom = -1;
          }
        }
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth -= 1;
        if (this.splitting && this.depth === 2 && this.element) {
          this.parse(this.element, chunk.subarray(elementFrom, i + 1));
          this.element = undefined;
          elementFrom = -1;
        } else if (this.splitting && this.depth === 1) {
          this.splitting = false;
          envelopeFrom = i;
        }
      }
      i += 1;
    }
    if (envelopeFrom !== -1) this.keepEnvelope(chunk.subarray(envelopeFrom));
    // The chunk is the caller's to reuse: what the element has of it so far is copied.
    if (this.element && elementFrom !== -1) this.element.push(Buffer.from(chunk.subarray(elementFrom)));
  }

  /** The answer, once its last chunk has been pushed. */
  end(): SplitAnswer {
    return { envelope: Buffer.concat(this.envelope), key: this.key, items: this.items };
  }

  private parse(earlier: Buffer[], last: Buffer): void {
    const bytes = earlier.length ? Buffer.concat([...earlier, last]) : last;
    this.items.push(JSON.parse(bytes.toString('utf8')));
  }

  private keepEnvelope(part: Buffer): void {
    if (part.length) this.envelope.push(Buffer.from(part));
  }

  /** Which items key ends the envelope read so far, with `tail` of this chunk after it (parts may be single bytes). */
  private keyBefore(tail: Buffer): ItemsKey | undefined {
    const last = Buffer.concat([...this.envelope.slice(-LONGEST_KEY), tail]);
    const text = last.subarray(Math.max(0, last.length - LONGEST_KEY)).toString('latin1');
    return ITEM_KEYS.find((k) => text.endsWith(`"${k}":`));
  }

  /**
   * From inside a string at `i`: the index after its closing quote, or the chunk's length. Byte by
   * byte: strings in a list average 15 bytes, too short for indexOf's call to pay (a 55 MB pod list
   * took 180 ms to split with it, 90 without).
   */
  private skipString(chunk: Buffer, i: number): number {
    let escaped = this.escaped;
    for (; i < chunk.length; i += 1) {
      const c = chunk[i] as number;
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        this.inString = false;
        this.escaped = false;
        return i + 1;
      }
    }
    this.escaped = escaped;
    return i;
  }
}
