/**
 * What a command hands to the CLI layer to show. A command builds one of these; the renderers turn
 * it into text for the chosen --output format.
 */
import type { MetricFamily } from './prometheus.ts';

export type Tone = 'green' | 'yellow' | 'red' | 'dim';

export interface Cell {
  text: string;
  /** How the cell is coloured on a terminal. */
  tone?: Tone;
  /** A share (1 = full) drawn as a small bar before the text, on a terminal with colour only. */
  bar?: number;
}

export interface Column {
  header: string;
  /** Shown only with -o wide. */
  wide?: boolean;
}

/** How a command describes one column of its items; `listing` turns items into rows with it. */
export interface ColumnDef<T> extends Column {
  value: (item: T) => string;
  tone?: (item: T) => Tone | undefined;
  bar?: (item: T) => number | undefined;
}

/** What a row sorts by, most significant first; rows of several clusters merge by it. */
export type SortKey = (string | number)[];

/** Orders two sort keys: numbers as numbers, strings as strings, element by element. */
export function compareSortKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const [x, y] = [a[i] as string | number, b[i] as string | number];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

export interface Listing {
  type: 'listing';
  /** The object -o json and -o yaml print (a kind: ...List object). */
  document: unknown;
  columns: Column[];
  rows: Cell[][];
  /** What -o name prints, one per row, e.g. tenant/acme. */
  names: string[];
  /** Printed on stderr when there are no rows, e.g. "No tenants found". */
  emptyMessage: string;
  /** Notes for stderr (partial results, missing permissions). */
  warnings?: string[];
  /** Set when the answer itself is a verdict, e.g. 1 for a diff, 3 for high-severity findings. */
  exitCode?: number;
  /** What -o prometheus prints, for the commands that offer it. */
  metrics?: MetricFamily[];
  /** Each row's sort key, in the order the rows are in. */
  sortKeys?: SortKey[];
}

/** One titled part of a description: a table, or `<none>` when it has no rows. */
export interface DescribeSection {
  title: string;
  /** Said after the title, e.g. which events are shown. */
  note?: string;
  headers: string[];
  rows: Cell[][];
}

/** kubectl describe's layout, as data: `Label:  value` fields, then titled tables. */
export interface Description {
  fields: [label: string, value: Cell][];
  sections: DescribeSection[];
}

/** One box of a picture. */
export interface PictureNode {
  id: string;
  /** Its lines of text, e.g. the kind/name, then the state. */
  label: string[];
  /** The boxes of one group are drawn together, in a frame titled with it. */
  group?: string;
  tone?: Tone;
  /** Drawn as failed (a red, thick border): a picture says what is wrong without colour too. */
  failed?: boolean;
}

/** One arrow of a picture; `tree` arrows are solid, the others dashed. */
export interface PictureEdge {
  from: string;
  to: string;
  label: string;
  tree?: boolean;
}

/** A graph to draw (-o dot, -o svg): boxes and arrows, laid out by Graphviz. */
export interface Picture {
  title: string;
  nodes: PictureNode[];
  edges: PictureEdge[];
}

export interface Document {
  type: 'document';
  document: unknown;
  /** What -o dot and -o svg draw, for the commands that offer them. */
  picture?: Picture;
  /**
   * The human view (table formats), as data the renderer lays out: lines (one cell each), or
   * descriptions (one per cluster when several answered), a blank line apart.
   */
  text: Cell[] | Description[];
  name?: string;
  warnings?: string[];
  exitCode?: number;
}

/** One piece of a stream: a log line, a progress note, a table frame already rendered. */
export interface StreamEvent {
  to: 'stdout' | 'stderr';
  text: string;
}

/**
 * A result that goes on until its source ends or the user interrupts (logs -f). The command ends
 * the iterable when the context's signal aborts; the CLI writes events as they come.
 */
export interface Stream {
  type: 'stream';
  events: AsyncIterable<StreamEvent>;
  /** Read after the stream ends. */
  exitCode?: () => number;
}

/** A result re-rendered on every change (ls --watch): each frame is rendered like a one-shot result. */
export interface Frames {
  type: 'frames';
  frames: AsyncIterable<Listing | Document>;
}

export type Result = Listing | Document | Stream | Frames;

/** `text` and `raw` are the line formats of streamed output (logs); `dot` and `svg` draw a Picture. */
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | 'name' | 'prometheus' | 'text' | 'raw' | 'dot' | 'svg';

export interface Rendered {
  stdout: string;
  stderr: string[];
}

export function listing<T>(
  items: readonly T[],
  columns: readonly ColumnDef<T>[],
  rest: Omit<Listing, 'type' | 'columns' | 'rows' | 'names' | 'sortKeys'> & {
    name: (item: T) => string;
    /** The items' order: they are sorted by it here. */
    order?: (item: T) => SortKey;
  },
): Listing {
  const { name, order, ...fields } = rest;
  if (order) {
    const keyed = items.map((item) => ({ item, key: order(item) })).sort((a, b) => compareSortKeys(a.key, b.key));
    return {
      ...listing(
        keyed.map((k) => k.item),
        columns,
        { ...fields, name },
      ),
      sortKeys: keyed.map((k) => k.key),
    };
  }
  return {
    type: 'listing',
    ...fields,
    columns: columns.map(({ header, wide }) => ({ header, wide })),
    rows: items.map((item) => columns.map((c) => ({ text: c.value(item), tone: c.tone?.(item), bar: c.bar?.(item) }))),
    names: items.map(name),
  };
}

/** A text of one or more lines as the lines of a Document's human view, all in `tone`. */
export function textLines(text: string, tone?: Tone): Cell[] {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => ({ text: line, tone }));
}
