import { errorMessage } from '../errors.ts';
import type { ChartInfo } from '../helm/chart.ts';
import { type ManifestDocument, manifestDocuments } from '../helm/manifest.ts';
import { readRelease } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import { ResourceFinder } from '../kube/discovery.ts';
import { type KubeObject, annotationsOf, labelsOf } from '../kube/objects.ts';
import { getOptional } from '../kube/read.ts';
import { type Resource, collectionPath, objectPath } from '../kube/resources.ts';
import { recordSettings, recordedSettings } from '../policy/settings.ts';
import { type Tenant, helmReleaseMarks, mimtRecord, recordedPolicy, suspendedAt } from '../tenant/contract.ts';
import { type FieldChange, fieldChanges } from './field-diff.ts';
import { type InstallDeps, type InstallRequest, requestFingerprint, tenantNamespace, upgradeArgs } from './install.ts';
import { heldField } from './suspend.ts';

/** What an upgrade would do to one object of the release. */
export interface ObjectPlan {
  kind: string;
  name: string;
  namespace?: string;
  action: 'add' | 'remove' | 'change';
  /** For `change`: the fields the API server's dry run changes, live value first. */
  fields: FieldChange[];
  /** The API server refused the dry run: the upgrade would fail on this object, for this reason. */
  refused?: string;
}

export interface TenantPlan {
  tenant: string;
  namespace: string;
  release: string;
  /** The chart version deployed now; undefined when the tenant is not installed. */
  from?: string;
  to: ChartInfo;
  /** Only the objects that would change, in the new manifest's order, removals last. */
  objects: ObjectPlan[];
  /** Hooks the upgrade would run (Kind/name), which a diff cannot show: they run once and go. */
  hooks: string[];
  /** The tenant's policy, where install would apply another profile or other quota, limits or owner. */
  policy?: { from: string; to: string; settings: boolean };
  /** What the plan could not see or chose not to show, one line each. */
  notes: string[];
  /** Why no plan could be made (Helm could not render the chart with the tenant's values): the upgrade would fail so. */
  error?: string;
}

/** The plan of a tenant whose upgrade could not even be rendered. */
export function failedPlan(
  tenant: Pick<Tenant, 'name' | 'namespace' | 'release' | 'chartVersion'>,
  to: ChartInfo,
  error: string,
): TenantPlan {
  return {
    tenant: tenant.name,
    namespace: tenant.namespace,
    release: tenant.release ?? tenant.name,
    ...(tenant.chartVersion ? { from: tenant.chartVersion } : {}),
    to,
    objects: [],
    hooks: [],
    notes: [],
    error,
  };
}

/** Helm's release output (`helm upgrade --dry-run -o json`): what the upgrade would apply. */
interface RenderedRelease {
  manifest?: string;
  hooks?: { kind?: string; name?: string }[];
}

/**
 * Fields the API server and controllers own, which no chart sets: a dry run changes them
 * (resourceVersion, generation) or carries them over, and a diff of them says nothing.
 */
function comparable(object: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = object as KubeObject & { status?: unknown };
  const {
    resourceVersion: _version,
    generation: _generation,
    uid: _uid,
    creationTimestamp: _created,
    selfLink: _self,
    ...kept
  } = metadata as KubeObject['metadata'] & Record<string, unknown>;
  return { ...rest, metadata: kept } as KubeObject;
}

/** Secret values stay out of a plan's output, as kubectl diff keeps them out: a changed one says so. */
function masked(kind: string, fields: FieldChange[]): FieldChange[] {
  if (kind !== 'Secret') return fields;
  const hide = (value: unknown) => (value === undefined ? undefined : '(hidden)');
  return fields.map((f) =>
    /^(data|stringData)\b/.test(f.path)
      ? {
          path: f.path,
          ...(f.before === undefined ? {} : { before: hide(f.before) }),
          ...(f.after === undefined ? {} : { after: hide(f.after) }),
        }
      : f,
  );
}

const key = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

/**
 * Helm marks every object of a release with these before it applies them; the dry run gets them
 * too, or it would plan to remove them.
 */
function asHelmApplies(doc: ManifestDocument, release: string, namespace: string): KubeObject {
  const marks = helmReleaseMarks(release, namespace);
  return {
    ...doc,
    metadata: {
      ...doc.metadata,
      labels: { ...doc.metadata.labels, ...marks.labels },
      annotations: { ...doc.metadata.annotations, ...marks.annotations },
    },
  };
}

/** The policy install would apply, where it is not the tenant's recorded one. */
function policyChange(namespace: KubeObject, request: InstallRequest): TenantPlan['policy'] {
  const annotations = annotationsOf(namespace);
  const from = recordedPolicy(annotations).profile ?? 'none recorded';
  const settings = recordSettings(recordedSettings(annotations)) !== recordSettings(request.settings);
  return from === request.settings.profile && !settings ? undefined : { from, to: request.settings.profile, settings };
}

/** The field manager Helm's server-side apply writes under. */
const HELM_MANAGER = 'helm';

interface Planned {
  object: ObjectPlan;
  changed: boolean;
}

/**
 * One object of the new manifest, asked of the API server: a dry-run create when it does not exist,
 * else a dry-run server-side apply under Helm's field manager, whose answer is what the upgrade
 * would leave; defaults, mutating admission and validation are the server's own.
 */
async function planObject(
  client: KubeClient,
  resource: Resource,
  object: ObjectPlan,
  applied: KubeObject,
  force: boolean,
): Promise<Planned> {
  const path = objectPath(resource, object.namespace, object.name);
  const live = await getOptional<KubeObject>(client, path);
  try {
    if (!live) {
      await client.request({
        method: 'POST',
        path: collectionPath(resource, object.namespace),
        query: { dryRun: 'All', fieldManager: HELM_MANAGER },
        body: applied,
      });
      return { object, changed: true };
    }
    const after = await client.request<KubeObject>({
      method: 'PATCH',
      path,
      query: { dryRun: 'All', fieldManager: HELM_MANAGER, force },
      contentType: 'application/apply-patch+yaml',
      body: applied,
    });
    const fields = masked(object.kind, fieldChanges(comparable(live), comparable(after)));
    return { object: { ...object, action: 'change', fields }, changed: fields.length > 0 };
  } catch (error) {
    return { object: { ...object, action: live ? 'change' : 'add', refused: errorMessage(error) }, changed: true };
  }
}

/**
 * What `install` would change in a tenant, without changing anything: the chart rendered by Helm
 * as the upgrade would render it (the same values, lookups against the cluster), then each object
 * dry-run on the API server and compared with the live one, and the release's objects the new
 * manifest drops. A suspended tenant stays down through an upgrade, so the fields suspend holds
 * (replica counts, a CronJob's suspend) are left out.
 */
export async function planTenant(deps: InstallDeps, request: InstallRequest, chart: ChartInfo): Promise<TenantPlan> {
  const { client, helm } = deps;
  const name = request.tenant;
  const existing = await tenantNamespace(client, name);
  const recorded = existing && mimtRecord(labelsOf(existing), annotationsOf(existing));
  const release = recorded ? recorded.release : name;
  const deployed = existing ? await readRelease(client, name, release, 'deployed') : undefined;
  if (deployed && recorded && recorded.fingerprint === requestFingerprint(request, chart)) {
    // install would stop there too: Helm is not run, so nothing changes, not even what was changed by hand.
    return {
      tenant: name,
      namespace: name,
      release,
      from: deployed.chart.version ?? 'unknown',
      to: chart,
      objects: [],
      hooks: [],
      notes: ['the chart, values and policy the tenant was last installed with: install would not run Helm'],
    };
  }
  const rendered = JSON.parse(
    (await helm.run([...upgradeArgs(release, request), '--dry-run=server', '--output', 'json'])).stdout,
  ) as RenderedRelease;
  const docs = manifestDocuments(rendered.manifest ?? '', 'the rendered chart');
  const notes: string[] = [];
  const suspended = existing && suspendedAt(annotationsOf(existing));
  if (suspended) {
    notes.push(`suspended since ${suspended}: replica counts and CronJobs stay as suspend set them until resume`);
  }
  if (!existing) notes.push(`namespace ${name} does not exist: a first install, every object is new`);
  const policy = existing ? policyChange(existing, request) : undefined;
  // As the upgrade would apply: helm 4 takes fields others changed only with --force-conflicts, which
  // install gives it for a suspended tenant alone; helm 3's three-way merge overwrites them.
  const force = Boolean(suspended) || (await helm.majorVersion()) < 4;
  const finder = new ResourceFinder(client);
  const planned = await Promise.all(
    docs.map(async (doc): Promise<Planned> => {
      const resource = await finder.find(doc.apiVersion ?? '', doc.kind);
      const namespace = resource?.namespaced === false ? undefined : (doc.metadata.namespace ?? name);
      const bare: ObjectPlan = {
        kind: doc.kind,
        name: doc.metadata.name,
        ...(namespace ? { namespace } : {}),
        action: 'add',
        fields: [],
      };
      if (!resource)
        return {
          object: { ...bare, refused: `the API server does not serve ${doc.apiVersion} ${doc.kind}` },
          changed: true,
        };
      // Without the namespace there is nothing to compare with, and nowhere to ask the server.
      if (!existing && namespace === name) return { object: bare, changed: true };
      const result = await planObject(client, resource, bare, asHelmApplies(doc, release, name), force);
      if (!suspended || result.object.action !== 'change') return result;
      const held = heldField(doc.kind);
      const fields = result.object.fields.filter((f) => f.path !== held);
      return {
        object: { ...result.object, fields },
        changed: fields.length > 0 || result.object.refused !== undefined,
      };
    }),
  );
  const kept = new Set(planned.map((p) => key(p.object.kind, p.object.namespace, p.object.name)));
  const removed = deployed
    ? manifestDocuments(deployed.manifest, `release ${release}`)
        .map((doc) => ({ kind: doc.kind, name: doc.metadata.name, namespace: doc.metadata.namespace ?? name }))
        .filter((o) => !kept.has(key(o.kind, o.namespace, o.name)) && !kept.has(key(o.kind, undefined, o.name)))
        .map((o): ObjectPlan => ({ ...o, action: 'remove', fields: [] }))
    : [];
  return {
    tenant: name,
    namespace: name,
    release,
    ...(deployed?.chart.version ? { from: deployed.chart.version } : {}),
    to: chart,
    objects: [...planned.filter((p) => p.changed).map((p) => p.object), ...removed],
    hooks: (rendered.hooks ?? []).map((h) => `${h.kind ?? 'Object'}/${h.name ?? ''}`),
    ...(policy ? { policy } : {}),
    notes,
  };
}
