import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { KubeObject } from '../../src/core/kube/objects.ts';
import { type KindRef, type Resource, groupVersionPath, resourceOf } from '../../src/core/kube/resources.ts';
import { podSecurityRefusal } from './pod-security.ts';

/**
 * A Kubernetes API server for unit tests: a real HTTP server on 127.0.0.1 that keeps objects by API
 * path, answers lists (label and field selectors, pages, metadata-only and Table answers, as the
 * Accept header asks), gets, pod logs and writes, and records every request so that tests can count
 * them. Users are bearer tokens; what a user may not do is told with `forbid` or `limitUser`. Pod
 * creates (dry runs too) go through Pod Security admission at the level the namespace's label
 * enforces (pod-security.ts: a subset of the standards' checks, in the API server's words).
 *
 * Simplifications, on purpose: server-side apply replaces the top-level fields it sends and merges
 * labels and annotations (no field ownership), a deleted namespace is gone at once with what it
 * held (no Terminating phase), quota status is what the fixture says, no admission other than Pod
 * Security (no quota or LimitRange on creates, no ServiceAccount check), and there is no watch.
 */

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The bearer token, which stands for the user. */
  user: string;
  accept: string;
  contentType?: string;
  body?: unknown;
}

/** What a rule applies to: `"GET /api/v1/pods"`, a path, a path pattern, or those with a user. */
export type RequestMatch =
  string | RegExp | { method?: string; path: string | RegExp; user?: string; query?: Record<string, string> };

interface Rule {
  match: RequestMatch;
  status: number;
  reason: string;
  message?: string;
}

interface Parsed {
  resource: Resource;
  key: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** Every kind a plain cluster serves (KubePlus's ResourceComposition is a CRD it may lack). */
const BUILT_IN_KINDS = [
  'Namespace',
  'Node',
  'Pod',
  'Secret',
  'ConfigMap',
  'Service',
  'ServiceAccount',
  'PersistentVolumeClaim',
  'ResourceQuota',
  'LimitRange',
  'Event',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Ingress',
  'NetworkPolicy',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'Lease',
  'PodMetrics',
];

const collectionKey = (resource: Resource): string => `${groupVersionPath(resource)}/${resource.plural}`;
const objectKey = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

const VERBS: Record<string, [collection: string, object: string]> = {
  GET: ['list', 'get'],
  POST: ['create', 'create'],
  PUT: ['update', 'update'],
  PATCH: ['patch', 'patch'],
  DELETE: ['deletecollection', 'delete'],
};

/** Label selectors as the API server takes them: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (b,c)`, `a notin (b)`. */
export function labelsMatch(selector: string, labels: Record<string, string>): boolean {
  const parts = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return parts.every((raw) => {
    const part = raw.trim();
    if (part === '') return true;
    const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (set) {
      const values = (set[3] as string).split(',').map((v) => v.trim());
      const value = labels[set[1] as string];
      const inSet = value !== undefined && values.includes(value);
      return set[2] === 'in' ? inSet : !inSet;
    }
    const eq = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (eq) {
      const value = labels[eq[1] as string];
      return eq[2] === '!=' ? value !== eq[3] : value === eq[3];
    }
    if (part.startsWith('!')) return labels[part.slice(1).trim()] === undefined;
    return labels[part] !== undefined;
  });
}

/** Field selectors on dotted paths (`status.phase!=Failed`, `type=Warning`), as the API server takes them. */
export function fieldsMatch(selector: string, object: KubeObject): boolean {
  return selector.split(',').every((part) => {
    const match = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    if (!match) throw new Error(`the fake API cannot read the field selector "${part}"`);
    let value: unknown = object;
    for (const step of (match[1] as string).split('.')) value = (value as Record<string, unknown> | undefined)?.[step];
    const text = value === undefined || value === null ? '' : String(value);
    return match[2] === '!=' ? text !== match[3] : text === match[3];
  });
}

/** RFC 7386: objects merge, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base =
    target !== null && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete base[key];
    else base[key] = mergePatch(base[key], value);
  }
  return base;
}

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

const clone = <T>(value: T): T => structuredClone(value);

/** What the API server appends to a generateName: five characters of an alphabet without vowels. */
function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from({ length: 5 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}

/** The server's Table of a kind: kubectl get's columns, for the kinds mimt asks tables of. */
type Printer = { columns: string[]; cells: (object: KubeObject, now: number) => unknown[] };

function age(object: KubeObject, now: number): string {
  const created = Date.parse(object.metadata.creationTimestamp ?? '');
  if (!Number.isFinite(created)) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - created) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

interface PodShape {
  spec?: { nodeName?: string; containers?: unknown[] };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    containerStatuses?: {
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
    }[];
  };
}

/** kubectl's STATUS of a pod: a container's waiting or terminated reason wins over the phase. */
function podStatus(pod: KubeObject & PodShape): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason = pod.status?.reason ?? pod.status?.phase ?? 'Unknown';
  for (const container of pod.status?.containerStatuses ?? []) {
    const why = container.state?.waiting?.reason ?? container.state?.terminated?.reason;
    if (why) reason = why;
  }
  return reason;
}

const PRINTERS: Record<string, Printer> = {
  '/api/v1/pods': {
    columns: ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'],
    cells: (object, now) => {
      const pod = object as KubeObject & PodShape;
      const statuses = pod.status?.containerStatuses ?? [];
      return [
        pod.metadata.name,
        `${statuses.filter((s) => s.ready).length}/${pod.spec?.containers?.length ?? 0}`,
        podStatus(pod),
        statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
        age(pod, now),
        pod.status?.podIP ?? '<none>',
        pod.spec?.nodeName ?? '<none>',
        '<none>',
        '<none>',
      ];
    },
  },
  '/api/v1/nodes': {
    columns: ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP'],
    cells: (object, now) => {
      const addresses = (object.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses;
      const address = (type: string) => addresses?.find((a) => a.type === type)?.address ?? '<none>';
      return [
        object.metadata.name,
        'Ready',
        '<none>',
        age(object, now),
        'v1.36.3',
        address('InternalIP'),
        address('ExternalIP'),
      ];
    },
  },
  '/api/v1/secrets': {
    columns: ['Name', 'Type', 'Data', 'Age'],
    cells: (object, now) => [
      object.metadata.name,
      object.type ?? 'Opaque',
      Object.keys((object.data as object | undefined) ?? {}).length,
      age(object, now),
    ],
  },
  '/api/v1/configmaps': {
    columns: ['Name', 'Data', 'Age'],
    cells: (object, now) => [
      object.metadata.name,
      Object.keys((object.data as object | undefined) ?? {}).length,
      age(object, now),
    ],
  },
  '/apis/apps/v1/deployments': {
    columns: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'],
    cells: (object, now) => {
      const s = (object.status ?? {}) as {
        readyReplicas?: number;
        updatedReplicas?: number;
        availableReplicas?: number;
      };
      const wanted = (object.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      return [
        object.metadata.name,
        `${s.readyReplicas ?? 0}/${wanted}`,
        s.updatedReplicas ?? 0,
        s.availableReplicas ?? 0,
        age(object, now),
      ];
    },
  },
  '/apis/apps/v1/statefulsets': {
    columns: ['Name', 'Ready', 'Age'],
    cells: (object, now) => {
      const ready = (object.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
      const wanted = (object.spec as { replicas?: number } | undefined)?.replicas ?? 1;
      return [object.metadata.name, `${ready}/${wanted}`, age(object, now)];
    },
  },
  '/apis/apps/v1/daemonsets': {
    columns: ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age'],
    cells: (object, now) => {
      const s = (object.status ?? {}) as Record<string, number | undefined>;
      return [
        object.metadata.name,
        s.desiredNumberScheduled ?? 0,
        s.currentNumberScheduled ?? 0,
        s.numberReady ?? 0,
        s.updatedNumberScheduled ?? 0,
        s.numberAvailable ?? 0,
        '<none>',
        age(object, now),
      ];
    },
  },
  '/apis/batch/v1/jobs': {
    columns: ['Name', 'Status', 'Completions', 'Duration', 'Age'],
    cells: (object, now) => {
      const s = (object.status ?? {}) as { succeeded?: number; conditions?: { type?: string; status?: string }[] };
      const done = (type: string) => s.conditions?.some((c) => c.type === type && c.status === 'True');
      const wanted = (object.spec as { completions?: number } | undefined)?.completions ?? 1;
      const state = done('Complete') ? 'Complete' : done('Failed') ? 'Failed' : 'Running';
      return [object.metadata.name, state, `${s.succeeded ?? 0}/${wanted}`, '<none>', age(object, now)];
    },
  },
};

/** What the API server answers for kinds without a printer of their own (custom resources). */
const DEFAULT_PRINTER: Printer = {
  columns: ['Name', 'Created At'],
  cells: (object) => [object.metadata.name, object.metadata.creationTimestamp ?? ''],
};

interface LogEntry {
  time: string;
  text: string;
}

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  /** Set to answer every list in pages of at most this many items, whatever `limit` asked. */
  pageCap: number | undefined;
  private readonly server: http.Server;
  private readonly store = new Map<string, Map<string, KubeObject>>();
  private readonly served = new Map<string, Resource>();
  private readonly rules: Rule[] = [];
  private readonly limits = new Map<string, (request: RecordedRequest) => boolean>();
  private readonly logs = new Map<string, LogEntry[]>();
  private revision = 1000;

  private constructor(server: http.Server) {
    this.server = server;
    for (const kind of BUILT_IN_KINDS) this.serve(kind);
  }

  /** Starts a server on a free port of 127.0.0.1, holding `objects`. */
  static async start(objects: KubeObject[] = []): Promise<FakeApi> {
    const server = http.createServer();
    const api = new FakeApi(server);
    api.add(objects);
    server.on('request', (request, response) => {
      api.handle(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify(status(500, 'InternalError', String(error))));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Makes the API serve a kind (a custom resource, say) even before it holds any object of it. */
  serve(kind: KindRef): void {
    const resource = typeof kind === 'string' ? resourceOf(kind) : kind;
    this.served.set(collectionKey(resource), resource);
  }

  /** Stores objects as they are (a kind mimt knows, or with `resource` for a custom one). */
  add(objects: KubeObject | KubeObject[], resource?: Resource): this {
    for (const object of [objects].flat()) {
      const chosen = resource ?? resourceOf(object.kind as string);
      this.serve(chosen);
      this.put(chosen, this.stamp(clone(object)));
    }
    return this;
  }

  /** The stored object, or undefined. */
  get(kind: KindRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const resource = typeof kind === 'string' ? resourceOf(kind) : kind;
    const found = this.store
      .get(collectionKey(resource))
      ?.get(objectKey(resource.namespaced ? namespace : undefined, name));
    return found && clone(found);
  }

  /** Every stored object of a kind, in one namespace or all. */
  all(kind: KindRef, namespace?: string): KubeObject[] {
    const resource = typeof kind === 'string' ? resourceOf(kind) : kind;
    return [...(this.store.get(collectionKey(resource))?.values() ?? [])]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .map(clone);
  }

  /** The lines a container's log holds, oldest first; each `[time, text]` or text (then a second apart). */
  setLog(namespace: string, pod: string, container: string, lines: (string | [time: string, text: string])[]): void {
    const start = Date.parse('2026-01-01T00:00:00Z');
    this.logs.set(
      `${namespace}/${pod}/${container}`,
      lines.map((line, i) =>
        typeof line === 'string'
          ? { time: new Date(start + i * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z'), text: line }
          : { time: line[0], text: line[1] },
      ),
    );
  }

  /** Requests that match get 403 Forbidden with the API server's Status body. */
  forbid(match: RequestMatch): this {
    this.rules.push({ match, status: 403, reason: 'Forbidden' });
    return this;
  }

  /** Requests that match get 404: the kind (or object) is not served. */
  missing(match: RequestMatch): this {
    this.rules.push({
      match,
      status: 404,
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
    return this;
  }

  /** Requests that match get `code` with `message`. */
  fail(match: RequestMatch, code: number, message: string): this {
    this.rules.push({ match, status: code, reason: http.STATUS_CODES[code] ?? 'Failure', message });
    return this;
  }

  /** A user (bearer token) may make only the requests `allow` accepts; the rest get 403. */
  limitUser(user: string, allow: (request: RecordedRequest) => boolean): this {
    this.limits.set(user, allow);
    return this;
  }

  /** The requests recorded so far, optionally only those that match. */
  made(match?: RequestMatch): RecordedRequest[] {
    return match === undefined ? [...this.requests] : this.requests.filter((r) => matches(match, r));
  }

  /** The requests that change something (dry runs included). */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET');
  }

  reset(): void {
    this.requests.length = 0;
  }

  /**
   * Writes a kubeconfig for `user` (its token; `admin` may do anything not forbidden), its context's
   * namespace `namespace`, as a user's own would look: one cluster, one user, one context.
   */
  kubeconfig(options: { user?: string; namespace?: string } = {}): string {
    const user = options.user ?? 'admin';
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'mimt-kubeconfig-')), 'config');
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: this.url } }],
      users: [{ name: user, user: { token: user } }],
      contexts: [
        {
          name: 'fake',
          context: { cluster: 'fake', user, ...(options.namespace ? { namespace: options.namespace } : {}) },
        },
      ],
      'current-context': 'fake',
    };
    writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
    return file;
  }

  private stamp(object: KubeObject): KubeObject {
    this.revision += 1;
    object.metadata.uid ??= randomUUID();
    object.metadata.creationTimestamp ??= new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    object.metadata.resourceVersion = String(this.revision);
    return object;
  }

  private put(resource: Resource, object: KubeObject): void {
    const key = collectionKey(resource);
    const objects = this.store.get(key) ?? new Map<string, KubeObject>();
    this.store.set(key, objects);
    objects.set(objectKey(resource.namespaced ? object.metadata.namespace : undefined, object.metadata.name), object);
  }

  private parse(pathname: string): Parsed | undefined {
    const match = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/(.*)$/.exec(pathname);
    if (!match) return undefined;
    const rest = (match[2] as string).split('/').map(decodeURIComponent);
    const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
    const [plural, name, subresource] = namespaced ? rest.slice(2) : rest;
    const key = `${match[1]}/${plural}`;
    const resource = this.served.get(key);
    if (!resource) return undefined;
    return { resource, key, namespace: namespaced ? rest[1] : undefined, name, subresource };
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      user: /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '',
      accept: request.headers.accept ?? '',
      contentType: request.headers['content-type'],
      body: text === '' ? undefined : JSON.parse(text),
    };
    this.requests.push(recorded);
    const send = (code: number, body: unknown, type = 'application/json'): void => {
      response.writeHead(code, { 'Content-Type': type });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (recorded.user === '') return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (recorded.path === '/version') {
      return send(200, { major: '1', minor: '36', gitVersion: 'v1.36.3', platform: 'linux/amd64' });
    }
    const parsed = this.parse(recorded.path);
    const rule = this.rules.find((r) => matches(r.match, recorded));
    const allowed = this.limits.get(recorded.user)?.(recorded) ?? true;
    // A rule's own 403 message stands for an admission's refusal; without one, RBAC's wording.
    if ((rule?.status === 403 && rule.message === undefined) || !allowed) return send(403, forbidden(recorded, parsed));
    if (rule)
      return send(rule.status, status(rule.status, rule.reason, rule.message ?? `${recorded.method} ${recorded.path}`));
    if (!parsed) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (recorded.query.watch) return send(405, status(405, 'MethodNotAllowed', 'the fake API does not watch'));
    const answer = this.answer(recorded, parsed);
    send(answer.code, answer.body, answer.type);
  }

  private answer(request: RecordedRequest, where: Parsed): { code: number; body: unknown; type?: string } {
    const { resource, name, namespace, subresource } = where;
    const objects = this.store.get(where.key) ?? new Map<string, KubeObject>();
    const id = name === undefined ? undefined : objectKey(resource.namespaced ? namespace : undefined, name);
    const existing = id === undefined ? undefined : objects.get(id);
    const notFound = () => ({
      code: 404,
      body: status(404, 'NotFound', `${resource.plural} "${name}" not found`),
    });
    const dryRun = request.query.dryRun === 'All';
    switch (request.method) {
      case 'GET': {
        if (name === undefined)
          return { code: 200, body: this.list(request, resource, [...objects.values()], namespace) };
        if (!existing) return notFound();
        if (subresource === 'log') return this.log(request, namespace as string, name);
        return { code: 200, body: existing };
      }
      case 'POST': {
        const body = request.body as KubeObject & { metadata: { generateName?: string } };
        // The name is generated before admission runs, so that a refusal names it (as events show).
        const generated = body.metadata.generateName && `${body.metadata.generateName}${randomSuffix()}`;
        const objectName = body.metadata.name || generated;
        if (!objectName) {
          return {
            code: 422,
            body: status(
              422,
              'Invalid',
              `${resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
            ),
          };
        }
        if (
          resource.namespaced &&
          !this.store.get(collectionKey(resourceOf('Namespace')))?.has(objectKey(undefined, namespace as string))
        ) {
          return { code: 404, body: status(404, 'NotFound', `namespaces "${namespace}" not found`) };
        }
        const target = objectKey(resource.namespaced ? namespace : undefined, objectName);
        if (objects.has(target)) {
          return {
            code: 409,
            body: status(409, 'AlreadyExists', `${resource.plural} "${objectName}" already exists`),
          };
        }
        const created = this.stamp({
          ...clone(body),
          metadata: { ...clone(body.metadata), name: objectName, namespace },
        });
        if (resource.kind === 'Pod') {
          const labels = this.get('Namespace', undefined, namespace as string)?.metadata.labels ?? {};
          const refusal = podSecurityRefusal(created, labels);
          if (refusal) return { code: 403, body: status(403, 'Forbidden', refusal) };
        }
        if (!dryRun) this.put(resource, created);
        return { code: 201, body: created };
      }
      case 'PUT': {
        if (!existing) return notFound();
        const body = request.body as KubeObject;
        if (body.metadata.resourceVersion && body.metadata.resourceVersion !== existing.metadata.resourceVersion) {
          return {
            code: 409,
            body: status(
              409,
              'Conflict',
              `the object has been modified; please apply your changes to the latest version`,
            ),
          };
        }
        const replaced = this.stamp({
          ...clone(body),
          metadata: {
            ...clone(body.metadata),
            uid: existing.metadata.uid,
            creationTimestamp: existing.metadata.creationTimestamp,
          },
        });
        if (!dryRun) this.put(resource, replaced);
        return { code: 200, body: replaced };
      }
      case 'PATCH': {
        const apply = request.contentType?.startsWith('application/apply-patch') ?? false;
        if (!existing && !apply) return notFound();
        const base = existing ?? {
          apiVersion: (request.body as KubeObject).apiVersion,
          kind: resource.kind,
          metadata: { name: name as string, namespace },
        };
        const body = request.body as KubeObject;
        // Server-side apply as one field manager sees it: the fields it sends replace its own, and
        // labels and annotations merge with those of others (which the namespace's creation shares).
        const patched = (
          apply ? { ...base, ...body, metadata: mergePatch(base.metadata, body.metadata) } : mergePatch(base, body)
        ) as KubeObject;
        patched.metadata.uid = existing?.metadata.uid;
        patched.metadata.creationTimestamp = existing?.metadata.creationTimestamp;
        const result = this.stamp(patched);
        if (!dryRun) this.put(resource, result);
        return { code: existing ? 200 : 201, body: result };
      }
      case 'DELETE': {
        if (!existing) return notFound();
        const preconditions = (
          request.body as { preconditions?: { uid?: string; resourceVersion?: string } } | undefined
        )?.preconditions;
        const wanted = preconditions?.uid;
        if (wanted && wanted !== existing.metadata.uid) {
          return {
            code: 409,
            body: status(
              409,
              'Conflict',
              `Precondition failed: UID in precondition: ${wanted}, UID in object meta: ${existing.metadata.uid}`,
            ),
          };
        }
        const version = preconditions?.resourceVersion;
        if (version && version !== existing.metadata.resourceVersion) {
          return {
            code: 409,
            body: status(
              409,
              'Conflict',
              `Precondition failed: ResourceVersion in precondition: ${version}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
            ),
          };
        }
        if (!dryRun) {
          objects.delete(id as string);
          // A namespace takes what it holds with it.
          if (resource.kind === 'Namespace') {
            for (const collection of this.store.values()) {
              for (const [key, object] of collection) if (object.metadata.namespace === name) collection.delete(key);
            }
          }
        }
        return { code: 200, body: existing };
      }
      default:
        return { code: 405, body: status(405, 'MethodNotAllowed', request.method) };
    }
  }

  private list(request: RecordedRequest, resource: Resource, objects: KubeObject[], namespace: string | undefined) {
    const { labelSelector, fieldSelector } = request.query;
    const chosen = objects
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .filter((o) => !labelSelector || labelsMatch(labelSelector, o.metadata.labels ?? {}))
      .filter((o) => !fieldSelector || fieldsMatch(fieldSelector, o))
      .sort((a, b) =>
        objectKey(a.metadata.namespace, a.metadata.name).localeCompare(
          objectKey(b.metadata.namespace, b.metadata.name),
        ),
      );
    const from = request.query.continue ? Number(Buffer.from(request.query.continue, 'base64url').toString()) : 0;
    const limit = Math.min(Number(request.query.limit) || Infinity, this.pageCap ?? Infinity);
    const page = chosen.slice(from, from + limit);
    const next =
      from + page.length < chosen.length ? Buffer.from(String(from + page.length)).toString('base64url') : undefined;
    const metadata = { resourceVersion: String(this.revision), ...(next ? { continue: next } : {}) };
    const apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
    const partial = (o: KubeObject) => ({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: o.metadata,
    });
    if (request.accept.includes('as=Table')) {
      const printer = PRINTERS[`${groupVersionPath(resource)}/${resource.plural}`] ?? DEFAULT_PRINTER;
      const now = Date.now();
      return {
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata,
        columnDefinitions: printer.columns.map((name) => ({
          name,
          type: 'string',
          format: '',
          description: '',
          priority: 0,
        })),
        rows: page.map((o) => ({
          cells: printer.cells(o, now),
          ...(request.query.includeObject === 'Metadata' ? { object: partial(o) } : {}),
        })),
      };
    }
    if (request.accept.includes('as=PartialObjectMetadataList')) {
      return { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: page.map(partial) };
    }
    // As the API server sends them, items of a list carry no apiVersion and kind: the list names them.
    const items = page.map(({ apiVersion: _v, kind: _k, ...rest }) => rest);
    return { kind: `${resource.kind}List`, apiVersion, metadata, items };
  }

  private log(
    request: RecordedRequest,
    namespace: string,
    pod: string,
  ): { code: number; body: unknown; type?: string } {
    const container = request.query.container ?? '';
    const entries = this.logs.get(`${namespace}/${pod}/${container}`);
    if (!entries) {
      return {
        code: 400,
        body: status(400, 'BadRequest', `container "${container}" in pod "${pod}" is waiting to start`),
      };
    }
    const since = request.query.sinceTime ? Date.parse(request.query.sinceTime) : -Infinity;
    let chosen = entries.filter((e) => Date.parse(e.time) >= since);
    const tail = request.query.tailLines === undefined ? undefined : Number(request.query.tailLines);
    if (tail !== undefined && tail >= 0) chosen = chosen.slice(Math.max(0, chosen.length - tail));
    const stamped = request.query.timestamps === 'true';
    const body = chosen.map((e) => `${stamped ? `${e.time} ` : ''}${e.text}\n`).join('');
    return { code: 200, body, type: 'text/plain' };
  }
}

function matches(match: RequestMatch, request: RecordedRequest): boolean {
  if (typeof match === 'string') {
    const spaced = /^([A-Z]+) (.+)$/.exec(match);
    return spaced ? request.method === spaced[1] && request.path === spaced[2] : request.path === match;
  }
  if (match instanceof RegExp) return match.test(request.path);
  if (match.method !== undefined && match.method !== request.method) return false;
  if (match.user !== undefined && match.user !== request.user) return false;
  if (match.query && !Object.entries(match.query).every(([k, v]) => request.query[k] === v)) return false;
  return typeof match.path === 'string' ? request.path === match.path : match.path.test(request.path);
}

/** The API server's wording of a 403, which mimt passes on. */
function forbidden(request: RecordedRequest, parsed: Parsed | undefined): object {
  const [list, get] = VERBS[request.method] ?? ['access', 'access'];
  const verb = parsed?.name === undefined ? list : get;
  const plural = parsed
    ? `${parsed.resource.plural}${parsed.subresource ? `/${parsed.subresource}` : ''}`
    : request.path;
  const group = parsed?.resource.group ?? '';
  const scope = parsed?.namespace ? `in the namespace "${parsed.namespace}"` : 'at the cluster scope';
  const who = `User "${request.user}"`;
  return status(
    403,
    'Forbidden',
    `${plural} is forbidden: ${who} cannot ${verb} resource "${plural}" in API group "${group}" ${scope}`,
  );
}
