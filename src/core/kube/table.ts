import type { ObjectMeta } from './objects.ts';

/** The API server's Table rendering of a list (Accept: as=Table), with row metadata included. */
export interface ServerTable {
  columnDefinitions: { name: string }[];
  rows: { cells: unknown[]; object?: { metadata?: ObjectMeta } }[];
  metadata?: { continue?: string; resourceVersion?: string };
}

export const TABLE_ACCEPT = 'application/json;as=Table;g=meta.k8s.io;v=v1,application/json';

/** Rows as records keyed by column name, so no code depends on column order. */
export function tableRows(table: ServerTable): { metadata: ObjectMeta; cells: Record<string, unknown> }[] {
  const names = table.columnDefinitions.map((c) => c.name);
  return table.rows.map((row) => ({
    metadata: row.object?.metadata ?? { name: String(row.cells[0]) },
    cells: Object.fromEntries(names.map((name, i) => [name, row.cells[i]])),
  }));
}
