import type { MetricFamily } from '../output/prometheus.ts';
import {
  type Cell,
  type Description,
  type Document,
  type Listing,
  type SortKey,
  type Stream,
  type StreamEvent,
  compareSortKeys,
} from '../output/result.ts';
import { API_VERSION } from './document.ts';

/** What one cluster answered. */
export interface ClusterAnswer<R> {
  cluster: string;
  result: R;
}

type Fields = Record<string, unknown>;
const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null;

/** An item of a -o json|yaml list, with the cluster it came from after its apiVersion and kind. */
function withCluster(item: unknown, cluster: string): unknown {
  if (!isFields(item)) return { cluster, item };
  const { apiVersion, kind, ...rest } = item;
  return apiVersion === undefined ? { cluster, ...rest } : { apiVersion, kind, cluster, ...rest };
}

/**
 * One list document of several: every item with its cluster, and what each cluster's list said
 * besides its items (metricsAPI, summary, …) under `clusters`.
 */
function mergeDocuments(answers: ClusterAnswer<{ document: unknown }>[]): Fields {
  const first = answers[0]?.result.document;
  const kind = isFields(first) && typeof first.kind === 'string' ? first.kind : 'List';
  const items: unknown[] = [];
  const clusters: Fields[] = [];
  for (const { cluster, result } of answers) {
    const document = result.document;
    if (isFields(document) && Array.isArray(document.items)) {
      const { apiVersion: _apiVersion, kind: _kind, items: own, ...rest } = document;
      items.push(...(own as unknown[]).map((item) => withCluster(item, cluster)));
      clusters.push({ name: cluster, ...rest });
    } else {
      items.push(withCluster(document, cluster));
      clusters.push({ name: cluster });
    }
  }
  return { apiVersion: API_VERSION, kind: kind.endsWith('List') ? kind : 'List', clusters, items };
}

/** The Prometheus families of several clusters: each sample gains a `cluster` label. */
function mergeMetrics(answers: ClusterAnswer<Listing>[]): MetricFamily[] | undefined {
  if (answers.every((a) => a.result.metrics === undefined)) return undefined;
  const families = new Map<string, MetricFamily>();
  for (const { cluster, result } of answers) {
    for (const family of result.metrics ?? []) {
      const merged = families.get(family.name) ?? { ...family, samples: [] };
      merged.samples.push(...family.samples.map((s) => ({ ...s, labels: { cluster, ...s.labels } })));
      families.set(family.name, merged);
    }
  }
  return [...families.values()];
}

/**
 * The listings of several clusters as one: a CLUSTER column first, the rows in the order of their
 * sort keys across clusters (cluster by cluster where a command gives none), ties by cluster.
 */
export function mergeListings(answers: ClusterAnswer<Listing>[], warnings: string[]): Listing {
  const rows = answers.flatMap(({ cluster, result }, clusterIndex) =>
    result.rows.map((row, i) => ({
      cells: [{ text: cluster } as Cell, ...row],
      name: result.names[i] as string,
      key: [...(result.sortKeys?.[i] ?? [clusterIndex]), cluster] as SortKey,
    })),
  );
  if (answers.every((a) => a.result.sortKeys)) rows.sort((a, b) => compareSortKeys(a.key, b.key));
  const first = answers[0]?.result;
  const exitCodes = answers.map((a) => a.result.exitCode ?? 0);
  return {
    type: 'listing',
    document: mergeDocuments(answers),
    columns: [{ header: 'CLUSTER' }, ...(first?.columns ?? [])],
    rows: rows.map((r) => r.cells),
    names: rows.map((r) => r.name),
    emptyMessage: first?.emptyMessage ?? 'No resources found',
    warnings: [...answers.flatMap((a) => a.result.warnings ?? []), ...warnings],
    exitCode: Math.max(0, ...exitCodes),
    metrics: mergeMetrics(answers),
    sortKeys: rows.map((r) => r.key),
  };
}

/** The documents of several clusters (`ls TENANT` where it exists in more than one) as one. */
export function mergeDocumentResults(answers: ClusterAnswer<Document>[], warnings: string[]): Document {
  const text = answers.flatMap(({ cluster, result }) =>
    result.text
      .filter((part): part is Description => 'fields' in part)
      .map((part) => ({ ...part, fields: [['Cluster', { text: cluster }], ...part.fields] as Description['fields'] })),
  );
  const lines = answers.flatMap(({ cluster, result }) =>
    result.text
      .filter((part): part is Cell => 'text' in part)
      .map((line) => ({ ...line, text: `${cluster}: ${line.text}` })),
  );
  return {
    type: 'document',
    document:
      answers.length === 1
        ? withCluster(answers[0]?.result.document, answers[0]?.cluster ?? '')
        : mergeDocuments(answers),
    name:
      answers
        .map((a) => a.result.name)
        .filter((n) => n !== undefined)
        .join('\n') || undefined,
    text: text.length ? text : lines,
    warnings: [...answers.flatMap((a) => a.result.warnings ?? []), ...warnings],
    exitCode: Math.max(0, ...answers.map((a) => a.result.exitCode ?? 0)),
  };
}

/** Several streams as one, events as they come from any of them; the worst exit code at the end. */
export function mergeStreams(answers: ClusterAnswer<Stream>[], warnings: string[]): Stream {
  async function* events(): AsyncIterable<StreamEvent> {
    for (const warning of warnings) yield { to: 'stderr', text: `${warning}\n` };
    const iterators = answers.map((a) => a.result.events[Symbol.asyncIterator]());
    const next = (i: number) => (iterators[i] as AsyncIterator<StreamEvent>).next().then((r) => ({ i, r }));
    const pending = new Map(iterators.map((_, i) => [i, next(i)]));
    while (pending.size) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pending.set(i, next(i));
      yield r.value;
    }
  }
  return {
    type: 'stream',
    events: events(),
    exitCode: () => Math.max(0, ...answers.map((a) => a.result.exitCode?.() ?? 0)),
  };
}
