import { type ReadStream, type WriteStream, createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { LogLine } from './line.ts';
import type { LineSource } from './source.ts';

/** Each file is read back in pieces of this size, so that a thousand spools stay a few megabytes. */
const READ_CHUNK = 16 * 1024;

/**
 * A stream's lines kept in a file until every stream has been read, for when more streams are to be
 * merged than may be open at once. One line per line: key, timestamp, message, tab-separated (the
 * key and the timestamp never hold a tab, and a message never holds a newline).
 */
export class Spool {
  private readonly file: string;
  private readonly out: WriteStream;
  private reader: SpoolSource | undefined;

  constructor(file: string) {
    this.file = file;
    this.out = createWriteStream(file, { flags: 'wx' });
  }

  /** Writes a line; the promise, when there is one, resolves once the file has caught up. */
  write(line: LogLine): Promise<void> | undefined {
    if (this.out.write(`${line.key}\t${line.timestamp}\t${line.message}\n`)) return undefined;
    return once(this.out, 'drain').then(() => undefined);
  }

  /** Ends the writing: every line is in the file. */
  async finish(): Promise<void> {
    if (this.out.closed) return;
    this.out.end();
    await once(this.out, 'close');
  }

  /** The lines written, read back; call after `finish`. */
  source(): LineSource {
    this.reader = new SpoolSource(this.file);
    return this.reader;
  }

  /** Lets go of the file, written and read or not, so that it can be removed. */
  async close(): Promise<void> {
    this.reader?.close();
    await this.finish();
  }
}

class SpoolSource implements LineSource {
  private readonly chunks: AsyncIterator<string>;
  private lines: LogLine[] = [];
  private index = 0;
  private partial = '';
  private ended = false;

  private readonly stream: ReadStream;

  constructor(file: string) {
    this.stream = createReadStream(file, { encoding: 'utf8', highWaterMark: READ_CHUNK });
    this.chunks = this.stream[Symbol.asyncIterator]();
  }

  close(): void {
    this.stream.destroy();
  }

  head(): LogLine | undefined {
    return this.lines[this.index];
  }

  shift(): void {
    this.index += 1;
  }

  async more(): Promise<boolean> {
    while (this.head() === undefined && !this.ended) {
      const chunk = await this.chunks.next();
      if (chunk.done) {
        this.ended = true;
        this.parse(this.partial === '' ? [] : [this.partial]);
      } else {
        const pieces = (this.partial + (chunk.value as string)).split('\n');
        this.partial = pieces.pop() as string;
        this.parse(pieces);
      }
    }
    return this.head() !== undefined;
  }

  private parse(texts: string[]): void {
    this.lines = texts.map((text) => {
      const first = text.indexOf('\t');
      const second = text.indexOf('\t', first + 1);
      return { key: text.slice(0, first), timestamp: text.slice(first + 1, second), message: text.slice(second + 1) };
    });
    this.index = 0;
  }
}
