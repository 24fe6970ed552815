import { type GraphEdge, type GraphNode, type TenantGraph, isTreeEdge } from '../core/graph/build.ts';
import type { Health } from '../core/graph/state.ts';
import type { Tenant } from '../core/tenant/contract.ts';
import { paint } from '../output/colour.ts';
import type { Cell, Document, Picture, Tone } from '../output/result.ts';
import { API_VERSION } from './document.ts';

export const HEALTH_TONE: Record<Health, Tone | undefined> = {
  ok: 'green',
  progressing: 'yellow',
  failed: 'red',
  unknown: 'dim',
  none: undefined,
};

/** Siblings in the tree: what runs first, then how it is reached, its storage and configuration, then policy. */
const KIND_ORDER = [
  'HelmRelease',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'ReplicaSet',
  'Pod',
  'Service',
  'EndpointSlice',
  'Ingress',
  'HTTPRoute',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'PersistentVolumeClaim',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
];
const rank = (kind: string): number => {
  const at = KIND_ORDER.indexOf(kind);
  return at === -1 ? KIND_ORDER.length : at;
};
const byKindAndName = (a: GraphNode, b: GraphNode): number =>
  rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name);

const label = (node: GraphNode): string =>
  node.namespace && node.kind !== 'HelmRelease' && node.origin !== 'tenant' && node.id.split('/').length === 3
    ? `${node.kind}/${node.namespace}/${node.name}`
    : `${node.kind}/${node.name}`;

/** The tree, drawn as `tree` draws directories, each node's state in a column of its own. */
function treeLines(graph: TenantGraph, colour: boolean): Cell[] {
  const children = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    if (node.parent !== null) children.set(node.parent, [...(children.get(node.parent) ?? []), node]);
  }
  const rows: { prefix: string; node: GraphNode }[] = [];
  const walk = (node: GraphNode, prefix: string, lead: string) => {
    rows.push({ prefix: `${lead}${label(node)}`, node });
    const below = [...(children.get(node.id) ?? [])].sort(byKindAndName);
    below.forEach((child, i) => {
      const last = i === below.length - 1;
      walk(child, `${prefix}${last ? '    ' : '│   '}`, `${prefix}${last ? '└── ' : '├── '}`);
    });
  };
  const root = graph.nodes.find((n) => n.id === graph.root) as GraphNode;
  walk(root, '', '');
  const width = Math.max(...rows.map((r) => r.prefix.length)) + 3;
  return rows.map(({ prefix, node }) => ({
    text: `${prefix.padEnd(width)}${paint(node.state, HEALTH_TONE[node.health], colour)}`,
  }));
}

/** The relations beyond the tree, one per line: FROM  TYPE  TO. */
function relationLines(graph: TenantGraph): Cell[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const name = (id: string) => label(byId.get(id) as GraphNode);
  const relations = graph.edges
    .filter((e) => !isTreeEdge(e))
    .map((e) => [name(e.from), e.type, name(e.to)] as const)
    .sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]));
  if (relations.length === 0) return [];
  const from = Math.max(...relations.map((r) => r[0].length)) + 3;
  const type = Math.max(...relations.map((r) => r[1].length)) + 3;
  const line = ([a, b, c]: readonly [string, string, string]) => ({ text: `${a.padEnd(from)}${b.padEnd(type)}${c}` });
  return [{ text: '' }, { text: 'Relations:' }, line(['FROM', 'TYPE', 'TO']), ...relations.map((r) => line(r))];
}

/** The picture of -o dot and -o svg: a frame per kind, the tenant and its release outside them. */
function picture(graph: TenantGraph, tenant: Tenant): Picture {
  return {
    title: `tenant ${tenant.name}`,
    nodes: graph.nodes.map((n) => {
      const group = n.origin === 'tenant' || n.kind === 'HelmRelease' ? undefined : n.kind;
      // In a frame titled with its kind, a box needs only its name.
      const name = group === undefined ? label(n) : label(n).slice(n.kind.length + 1);
      return { id: n.id, label: [name, n.state], group, tone: HEALTH_TONE[n.health], failed: n.health === 'failed' };
    }),
    edges: graph.edges.map((e: GraphEdge) => ({ from: e.from, to: e.to, label: e.type, tree: isTreeEdge(e) })),
  };
}

/**
 * `graph TENANT`: the tree and its relations on a terminal, a TenantGraph for -o json|yaml (nodes and
 * typed edges, docs/graph.md), a picture for -o dot|svg.
 */
export function graphDocument(graph: TenantGraph, tenant: Tenant, colour: boolean, warnings: string[]): Document {
  return {
    type: 'document',
    document: {
      apiVersion: API_VERSION,
      kind: 'TenantGraph',
      metadata: { name: tenant.name, namespace: tenant.namespace, source: tenant.source },
      root: graph.root,
      nodes: graph.nodes,
      edges: graph.edges,
    },
    text: [...treeLines(graph, colour), ...relationLines(graph)],
    name: `tenant/${tenant.name}`,
    picture: picture(graph, tenant),
    warnings,
  };
}
