import type { KubeObject } from '../kube/objects.ts';
import { isClusterScoped } from '../kube/resources.ts';
import { isKubePlusPolicy, isPolicyObject } from '../tenant/contract.ts';
import { GRAPH_KINDS, type TenantObjects } from './read.ts';
import { type Health, type NodeState, podReady, stateOf } from './state.ts';

/**
 * The typed relations between nodes. The first four make the tree (each node but the root has one
 * parent through one of them); the others are what connects the objects beyond ownership.
 */
export const EDGE_TYPES = [
  'installs',
  'manages',
  'owns',
  'claims',
  'enforces',
  'selects',
  'routes',
  'tls',
  'mounts',
  'env',
  'pulls',
  'runs-as',
  'scales',
  'binds',
  'grants',
] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];

/** Where a node comes from. */
export type Origin = 'tenant' | 'release' | 'manifest' | 'owned' | 'policy' | 'referenced';

export interface GraphNode {
  /** Kind/name in the tenant's namespace; Kind/namespace/name elsewhere; Kind/name cluster-wide. */
  id: string;
  kind: string;
  name: string;
  /** Undefined for cluster-scoped objects and for users and groups. */
  namespace?: string;
  state: string;
  health: Health;
  origin: Origin;
  /** The node above it in the tree; null for the root. */
  parent: string | null;
  /** Its depth in the tree: 0 for the root. */
  level: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  type: EdgeType;
}

export interface TenantGraph {
  root: string;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** The edges that place a node in the tree, from its parent. */
const TREE_EDGES: ReadonlySet<EdgeType> = new Set(['installs', 'manages', 'owns', 'claims', 'enforces']);
export const isTreeEdge = (edge: GraphEdge): boolean => TREE_EDGES.has(edge.type);

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelector semantics: every term must hold; an empty selector selects everything. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabels &&
    (selector.matchExpressions ?? []).every((e) => {
      const has = Object.hasOwn(labels, e.key);
      if (e.operator === 'In') return has && (e.values ?? []).includes(labels[e.key] as string);
      if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(labels[e.key] as string);
      if (e.operator === 'Exists') return has;
      if (e.operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}

type Loose = Record<string, unknown>;
const specOf = (o: KubeObject): Loose => (o.spec as Loose | undefined) ?? {};

interface PodSpec {
  serviceAccountName?: string;
  imagePullSecrets?: { name?: string }[];
  volumes?: {
    configMap?: { name?: string };
    secret?: { secretName?: string };
    persistentVolumeClaim?: { claimName?: string };
    projected?: { sources?: { configMap?: { name?: string }; secret?: { name?: string } }[] };
  }[];
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
}

interface ContainerSpec {
  env?: { valueFrom?: { configMapKeyRef?: { name?: string }; secretKeyRef?: { name?: string } } }[];
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
}

/** What a pod refers to by name: kind, name and how. */
function podReferences(pod: KubeObject): [kind: string, name: string | undefined, type: EdgeType][] {
  const spec = specOf(pod) as PodSpec;
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  return [
    ...(spec.volumes ?? []).flatMap((v): [string, string | undefined, EdgeType][] => [
      ['ConfigMap', v.configMap?.name, 'mounts'],
      ['Secret', v.secret?.secretName, 'mounts'],
      ['PersistentVolumeClaim', v.persistentVolumeClaim?.claimName, 'mounts'],
      ...(v.projected?.sources ?? []).flatMap((s): [string, string | undefined, EdgeType][] => [
        ['ConfigMap', s.configMap?.name, 'mounts'],
        ['Secret', s.secret?.name, 'mounts'],
      ]),
    ]),
    ...containers.flatMap((c): [string, string | undefined, EdgeType][] => [
      ...(c.env ?? []).flatMap((e): [string, string | undefined, EdgeType][] => [
        ['ConfigMap', e.valueFrom?.configMapKeyRef?.name, 'env'],
        ['Secret', e.valueFrom?.secretKeyRef?.name, 'env'],
      ]),
      ...(c.envFrom ?? []).flatMap((e): [string, string | undefined, EdgeType][] => [
        ['ConfigMap', e.configMapRef?.name, 'env'],
        ['Secret', e.secretRef?.name, 'env'],
      ]),
    ]),
    ...(spec.imagePullSecrets ?? []).map((s): [string, string | undefined, EdgeType] => ['Secret', s.name, 'pulls']),
    ['ServiceAccount', spec.serviceAccountName ?? 'default', 'runs-as'],
  ];
}

/** What an Ingress or HTTPRoute sends traffic to, and the Secrets an Ingress serves TLS with. */
function routeReferences(kind: string, route: KubeObject): [kind: string, name: string | undefined, type: EdgeType][] {
  const spec = specOf(route);
  if (kind === 'Ingress') {
    type Backend = { service?: { name?: string } };
    const rules = (spec.rules as { http?: { paths?: { backend?: Backend }[] } }[] | undefined) ?? [];
    const backends = [
      (spec.defaultBackend as Backend | undefined)?.service?.name,
      ...rules.flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend?.service?.name)),
    ];
    const tls = (spec.tls as { secretName?: string }[] | undefined) ?? [];
    return [
      ...backends.map((name): [string, string | undefined, EdgeType] => ['Service', name, 'routes']),
      ...tls.map((t): [string, string | undefined, EdgeType] => ['Secret', t.secretName, 'tls']),
    ];
  }
  const rules =
    (spec.rules as { backendRefs?: { kind?: string; group?: string; name?: string }[] }[] | undefined) ?? [];
  return rules.flatMap((r) =>
    (r.backendRefs ?? [])
      .filter((b) => (b.kind ?? 'Service') === 'Service' && !b.group)
      .map((b): [string, string | undefined, EdgeType] => ['Service', b.name, 'routes']),
  );
}

const UNKNOWN: NodeState = { state: 'Unknown', health: 'unknown' };
const MISSING: NodeState = { state: 'Missing', health: 'failed' };

/**
 * The tenant's objects as a graph: the tenant (or its KubePlus instance) at the root, its Helm
 * release, every object of the release's manifest, what those own (recursively), StatefulSets'
 * claims, mimt's and KubePlus's policy objects, then the typed relations between them. An object
 * referred to but not in the tree (a pod's ServiceAccount, a RoleBinding's users) is added under the
 * root as `referenced`; one that does not exist is Missing, one whose kind could not be read Unknown.
 */
export function buildGraph(input: TenantObjects): TenantGraph {
  const { tenant, release, objects, unread } = input;
  const ns = tenant.namespace;
  const idOf = (kind: string, name: string, namespace: string | undefined = ns) =>
    isClusterScoped(kind) || namespace === undefined || namespace === ns
      ? `${kind}/${name}`
      : `${kind}/${namespace}/${name}`;
  const live = new Map(objects.map((o) => [idOf(o.kind as string, o.metadata.name), o]));
  const byUid = new Map(objects.filter((o) => o.metadata.uid).map((o) => [o.metadata.uid as string, o]));
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const edge = (from: string, to: string, type: EdgeType) => {
    if (from !== to) edges.set(`${from} ${type} ${to}`, { from, to, type });
  };

  const root = tenant.kind ? idOf(tenant.kind, tenant.name, tenant.instanceNamespace) : `Tenant/${tenant.name}`;
  nodes.set(root, {
    id: root,
    kind: tenant.kind ?? 'Tenant',
    name: tenant.name,
    ...(tenant.kind ? { namespace: tenant.instanceNamespace } : {}),
    ...(tenant.terminating ? { state: 'Terminating', health: 'progressing' } : UNKNOWN),
    origin: 'tenant',
    parent: null,
    level: 0,
  });

  const known = (kind: string, name: string, namespace?: string): NodeState => {
    const object = live.get(idOf(kind, name, namespace));
    if (object) return stateOf(kind, object);
    const wasRead = !unread.has(kind) && (namespace === undefined || namespace === ns) && !isClusterScoped(kind);
    return wasRead && READ_KINDS.has(kind) ? MISSING : UNKNOWN;
  };
  const place = (
    kind: string,
    name: string,
    parent: string,
    origin: Origin,
    namespace: string | undefined = isClusterScoped(kind) ? undefined : ns,
  ): string => {
    const id = idOf(kind, name, namespace);
    if (!nodes.has(id)) {
      const above = nodes.get(parent) as GraphNode;
      nodes.set(id, {
        id,
        kind,
        name,
        ...(namespace === undefined ? {} : { namespace }),
        ...known(kind, name, namespace),
        origin,
        parent,
        level: above.level + 1,
      });
    }
    return id;
  };

  // The release and what its manifest declares.
  if (tenant.release) {
    const releaseId = `HelmRelease/${tenant.release}`;
    const state: NodeState = release
      ? { state: release.status, health: RELEASE_HEALTH[release.status] ?? 'unknown' }
      : input.releaseReadable
        ? MISSING
        : UNKNOWN;
    nodes.set(releaseId, {
      id: releaseId,
      kind: 'HelmRelease',
      name: tenant.release,
      namespace: ns,
      ...state,
      origin: 'release',
      parent: root,
      level: 1,
    });
    edge(root, releaseId, 'installs');
    for (const declared of release?.objects ?? []) {
      edge(releaseId, place(declared.kind, declared.name, releaseId, 'manifest', declared.namespace ?? ns), 'manages');
    }
  }

  // Policy objects that mimt's profile (or KubePlus) put in the namespace.
  for (const object of objects) {
    const kind = object.kind as string;
    const policy =
      isPolicyObject(object.metadata.labels ?? {}) ||
      (tenant.source === 'kubeplus' && kind === 'NetworkPolicy' && isKubePlusPolicy(object.metadata.name));
    if (policy && !nodes.has(idOf(kind, object.metadata.name))) {
      edge(root, place(kind, object.metadata.name, root, 'policy'), 'enforces');
    }
  }

  // Ownership, down from every node, as deep as it goes.
  const children = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const refs = object.metadata.ownerReferences ?? [];
    const owner = refs.find((r) => r.controller) ?? refs[0];
    if (owner) children.set(owner.uid, [...(children.get(owner.uid) ?? []), object]);
  }
  const queue = [...nodes.keys()];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const uid = live.get(id)?.metadata.uid;
    for (const child of uid ? (children.get(uid) ?? []) : []) {
      const childId = idOf(child.kind as string, child.metadata.name);
      if (nodes.has(childId)) continue;
      edge(id, place(child.kind as string, child.metadata.name, id, 'owned'), 'owns');
      queue.push(childId);
    }
  }

  // A StatefulSet's claims have no owner unless its retention policy deletes them.
  for (const node of [...nodes.values()].filter((n) => n.kind === 'StatefulSet')) {
    const set = live.get(node.id);
    const templates = (specOf(set ?? ({ metadata: { name: '' } } as KubeObject)).volumeClaimTemplates ?? []) as {
      metadata?: { name?: string };
    }[];
    for (const template of templates) {
      const claim = new RegExp(`^${escape(`${template.metadata?.name ?? ''}-${node.name}`)}-\\d+$`);
      for (const pvc of objects.filter((o) => o.kind === 'PersistentVolumeClaim' && claim.test(o.metadata.name))) {
        edge(node.id, place('PersistentVolumeClaim', pvc.metadata.name, node.id, 'owned'), 'claims');
      }
    }
  }

  // Relations between what is in the graph; what they name and is not yet there is added as referenced.
  const refer = (from: string, kind: string, name: string | undefined, type: EdgeType, namespace?: string) => {
    if (name) edge(from, place(kind, name, root, 'referenced', namespace), type);
  };
  const pods = [...nodes.values()].filter((n) => n.kind === 'Pod' && live.has(n.id));
  const podObject = (n: GraphNode) => live.get(n.id) as KubeObject;
  for (const node of [...nodes.values()]) {
    const object = live.get(node.id);
    if (!object) continue;
    const spec = specOf(object);
    switch (node.kind) {
      case 'Pod':
        for (const [kind, name, type] of podReferences(object)) refer(node.id, kind, name, type);
        break;
      case 'Service': {
        const selector = spec.selector as Record<string, string> | undefined;
        if (!selector || Object.keys(selector).length === 0) break;
        const chosen = pods.filter((p) => selects({ matchLabels: selector }, podObject(p).metadata.labels ?? {}));
        for (const pod of chosen) edge(node.id, pod.id, 'selects');
        Object.assign(
          node,
          stateOf('Service', object, {
            ready: chosen.filter((p) => podReady(podObject(p))).length,
            total: chosen.length,
          }),
        );
        break;
      }
      case 'Ingress':
      case 'HTTPRoute':
        for (const [kind, name, type] of routeReferences(node.kind, object)) refer(node.id, kind, name, type);
        break;
      case 'HorizontalPodAutoscaler': {
        const target = spec.scaleTargetRef as { kind?: string; name?: string } | undefined;
        if (target?.kind) refer(node.id, target.kind, target.name, 'scales');
        break;
      }
      case 'PodDisruptionBudget':
      case 'NetworkPolicy': {
        const selector = (node.kind === 'NetworkPolicy' ? spec.podSelector : spec.selector) as
          LabelSelector | undefined;
        for (const pod of pods.filter((p) => selects(selector, podObject(p).metadata.labels ?? {}))) {
          edge(node.id, pod.id, 'selects');
        }
        break;
      }
      case 'RoleBinding': {
        const subjects = (object.subjects as { kind?: string; name?: string; namespace?: string }[] | undefined) ?? [];
        for (const s of subjects) {
          if (s.kind === 'ServiceAccount') refer(node.id, 'ServiceAccount', s.name, 'binds', s.namespace ?? ns);
          else if (s.kind && s.name) edge(node.id, subject(s.kind, s.name), 'binds');
        }
        const role = object.roleRef as { kind?: string; name?: string } | undefined;
        if (role?.kind) refer(node.id, role.kind, role.name, 'grants');
        break;
      }
    }
  }

  /** A user or group: no object to read, so no state. */
  function subject(kind: string, name: string): string {
    const id = `${kind}/${name}`;
    if (!nodes.has(id)) {
      nodes.set(id, { id, kind, name, state: '-', health: 'none', origin: 'referenced', parent: root, level: 1 });
    }
    return id;
  }

  const rootNode = nodes.get(root) as GraphNode;
  if (!tenant.terminating) Object.assign(rootNode, tenantState([...nodes.values()].filter((n) => n !== rootNode)));
  return { root, nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** The kinds read, whose absence is known: a name of one of them that is not there is Missing. */
const READ_KINDS: ReadonlySet<string> = new Set(GRAPH_KINDS.map((k) => k.kind));

const RELEASE_HEALTH: Record<string, Health> = {
  deployed: 'ok',
  failed: 'failed',
  'pending-install': 'progressing',
  'pending-upgrade': 'progressing',
  'pending-rollback': 'progressing',
  uninstalling: 'progressing',
  superseded: 'unknown',
};

/** The tenant is Degraded when any of its objects failed, Progressing while any is on its way. */
function tenantState(others: GraphNode[]): NodeState {
  if (others.some((n) => n.health === 'failed')) return { state: 'Degraded', health: 'failed' };
  if (others.some((n) => n.health === 'progressing')) return { state: 'Progressing', health: 'progressing' };
  if (others.some((n) => n.health === 'unknown')) return { state: 'Unknown', health: 'unknown' };
  return { state: 'Ready', health: 'ok' };
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
