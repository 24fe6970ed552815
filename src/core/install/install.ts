import { failure } from '../errors.ts';
import { type ChartInfo, inspectChart, manifestObjects } from '../helm/chart.ts';
import type { Helm } from '../helm/cli.ts';
import { HELM_RECORD_SELECTOR, type ReleaseRecord, latestReleases } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import { type KubeObject, annotationsOf, labelsOf } from '../kube/objects.ts';
import { isConflict } from '../kube/read.ts';
import { collectionPath } from '../kube/resources.ts';
import { applyPolicyObjects, deletePolicyObjects, ownedPolicyObjects } from '../policy/apply.ts';
import { podSecurityLabels, renderPolicy } from '../policy/profiles.ts';
import { type PolicySettings, recordSettings } from '../policy/settings.ts';
import { mimtRecord, suspendedAt, tenantNamespaceMetadata } from '../tenant/contract.ts';
import { isMimtNamespace } from '../tenant/discover.ts';
import { applyNamespace, createNamespace, deleteNamespace, getNamespace } from '../tenant/namespace.ts';
import { installFingerprint } from './fingerprint.ts';
import { acquireInstallLock } from './lock.ts';
import { readWorkloads, suspendNamespace } from './suspend.ts';

export interface InstallRequest {
  tenant: string;
  chart: string;
  version?: string;
  /** Values files, already checked to exist and to be YAML. */
  valuesFiles: string[];
  set: string[];
  settings: PolicySettings;
  wait: boolean;
  timeoutMs: number;
  dryRun: boolean;
  /** Bulk upgrades: keep each tenant's own values (the chart's new defaults, then the last release's values). */
  reuseValues?: boolean;
}

export type InstallAction = 'installed' | 'upgraded' | 'unchanged' | 'planned';

export interface InstallOutcome {
  action: InstallAction;
  tenant: string;
  namespace: string;
  chart: ChartInfo;
  release: string;
  /** Set when the tenant is suspended: it was installed or upgraded without starting a pod, and stays so. */
  suspendedAt?: string;
  /** With --dry-run: what would be created. */
  plan?: { namespace: KubeObject; policy: KubeObject[]; manifest: string[] };
}

export interface InstallDeps {
  client: KubeClient;
  helm: Helm;
  progress: (line: string) => void;
  signal?: AbortSignal;
}

export function tenantNamespaceObject(
  request: InstallRequest,
  chart: ChartInfo,
  fingerprint?: string,
  release?: string,
): KubeObject {
  const { labels, annotations } = tenantNamespaceMetadata({
    tenant: request.tenant,
    release,
    chart: request.chart,
    chartName: chart.name,
    chartVersion: chart.version,
    profile: request.settings.profile,
    settings: recordSettings(request.settings),
    fingerprint,
  });
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: request.tenant,
      labels: { ...labels, ...podSecurityLabels(request.settings.profile) },
      annotations,
    },
  };
}

function helmValueArgs(request: InstallRequest): string[] {
  return [
    ...(request.version ? ['--version', request.version] : []),
    ...request.valuesFiles.flatMap((file) => ['--values', file]),
    ...request.set.flatMap((pair) => ['--set', pair]),
    ...(request.reuseValues ? ['--reset-then-reuse-values'] : []),
  ];
}

async function currentRelease(
  client: KubeClient,
  namespace: string,
  release: string,
): Promise<ReleaseRecord | undefined> {
  const records = await client.list(collectionPath('Secret', namespace), {
    metadataOnly: true,
    labelSelector: `${HELM_RECORD_SELECTOR},name=${release}`,
  });
  return latestReleases(records.items).get(namespace)?.[0];
}

async function plan(deps: InstallDeps, request: InstallRequest, chart: ChartInfo): Promise<InstallOutcome> {
  const { stdout } = await deps.helm.run([
    'template',
    request.tenant,
    request.chart,
    '--namespace',
    request.tenant,
    ...helmValueArgs(request),
  ]);
  return {
    action: 'planned',
    tenant: request.tenant,
    namespace: request.tenant,
    chart,
    release: request.tenant,
    plan: {
      namespace: tenantNamespaceObject(request, chart),
      policy: renderPolicy(request.tenant, request.settings),
      manifest: manifestObjects(stdout),
    },
  };
}

/** A step that put something in the cluster, and how to take it out again. */
interface Undo {
  what: string;
  run: () => Promise<unknown>;
}

async function createTenantNamespace(client: KubeClient, namespace: KubeObject): Promise<KubeObject | undefined> {
  try {
    await createNamespace(client, namespace);
  } catch (error) {
    if (isConflict(error)) {
      throw failure(
        `namespace "${namespace.metadata.name}" was created by someone else meanwhile: another install of this tenant is running`,
      );
    }
    throw error;
  }
  return getNamespace(client, namespace.metadata.name);
}

async function rollBack(undo: Undo[], progress: (line: string) => void, name: string): Promise<string[]> {
  if (undo.length) progress(`install of ${name} failed: removing what this run created`);
  const left: string[] = [];
  for (const step of [...undo].reverse()) {
    try {
      await step.run();
    } catch {
      left.push(step.what);
    }
  }
  return left;
}

/**
 * Installs or upgrades one tenant as a transaction: every check first, then the namespace and its
 * install lock, the policy and the Helm release; if a step fails, what this run created is removed
 * again (a namespace that existed before is never deleted) and the error says why in Helm's words.
 */
export async function installTenant(deps: InstallDeps, request: InstallRequest): Promise<InstallOutcome> {
  const { client, helm, progress } = deps;
  const name = request.tenant;
  const chart = await inspectChart(helm, request.chart, request.version);
  const existing = await getNamespace(client, name);
  if (existing && !isMimtNamespace(existing)) {
    throw failure(`namespace "${name}" exists and is not a mimt tenant`, {
      hint: `pick another tenant name, or make the Helm release in it a tenant: kubectl mimt adopt ${name}`,
    });
  }
  if (existing?.metadata.deletionTimestamp) {
    throw failure(`namespace "${name}" is being deleted`, { hint: 'wait until it is gone, then install again' });
  }
  if (request.dryRun) return plan(deps, request, chart);

  const fingerprint = installFingerprint({
    chart: request.chart,
    chartVersion: chart.version,
    valuesFiles: request.valuesFiles,
    set: [...request.set, ...(request.reuseValues ? ['--reset-then-reuse-values'] : [])],
    settings: request.settings,
  });
  const previousFingerprint = existing && mimtRecord(labelsOf(existing), annotationsOf(existing)).fingerprint;
  const suspended = existing && suspendedAt(annotationsOf(existing));
  // An adopted tenant's release may be named otherwise than the tenant.
  const release = existing ? mimtRecord(labelsOf(existing), annotationsOf(existing)).release : name;
  const outcome = (action: InstallAction): InstallOutcome => ({
    action,
    tenant: name,
    namespace: name,
    chart,
    release,
    ...(suspended ? { suspendedAt: suspended } : {}),
  });
  // The chart's replica counts and CronJobs would wake a suspended tenant: its zero-pod quota keeps
  // pods from starting meanwhile, and suspend, run again, records the new counts for resume.
  const suspendAgain = async () => {
    const workloads = await readWorkloads(client, [name]);
    const again = await suspendNamespace(client, name, workloads.get(name), { dryRun: false, now: new Date() });
    progress(`tenant ${name}: kept suspended (${again.changes.length} objects set back)`);
  };
  let helmRan = false;
  // The lease must outlive helm's own timeout, or a slow install could lose its lock midway.
  const lockMs = request.timeoutMs + 60_000;
  const undo: Undo[] = [];
  let unlock: (() => Promise<void>) | undefined;
  try {
    if (existing) {
      progress(`namespace ${name}: exists, a mimt tenant`);
      unlock = await acquireInstallLock(client, name, lockMs);
      await applyNamespace(client, tenantNamespaceObject(request, chart, previousFingerprint, release));
    } else {
      progress(`namespace ${name}: creating`);
      const created = await createTenantNamespace(client, tenantNamespaceObject(request, chart));
      undo.push({
        what: `namespace ${name}`,
        run: () => deleteNamespace(client, name, { waitMs: 120_000, uid: created?.metadata.uid }),
      });
      unlock = await acquireInstallLock(client, name, lockMs);
    }
    // Read under the lock: another install may have finished just before it was taken.
    const before = existing ? await currentRelease(client, name, release) : undefined;

    const ownedBefore = new Set(
      existing ? (await ownedPolicyObjects(client, name)).map((o) => `${o.kind}/${o.metadata.name}`) : [],
    );
    progress(`policy ${request.settings.profile}: applying`);
    const desired = renderPolicy(name, request.settings);
    const applied = await applyPolicyObjects(client, name, desired);
    const fresh = desired.filter((o) => !ownedBefore.has(`${o.kind}/${o.metadata.name}`));
    if (existing && fresh.length) {
      undo.push({
        what: `policy objects ${fresh.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`,
        run: () => deletePolicyObjects(client, name, fresh),
      });
    }
    progress(`policy ${request.settings.profile}: ${applied.applied.length} objects in force`);

    if (before?.status === 'deployed' && previousFingerprint === fingerprint) {
      progress(`release ${release}: unchanged (revision ${before.revision})`);
      return outcome('unchanged');
    }
    progress(`release ${release}: helm upgrade --install ${request.chart} (${chart.name} ${chart.version})`);
    if (suspended) {
      progress(
        `tenant ${name} is suspended (since ${suspended}): upgrading it without starting pods${request.wait ? ', so without --wait' : ''}; resume starts the new version`,
      );
    }
    if (!before) {
      undo.push({
        what: `release ${release}`,
        run: async () => {
          if (await currentRelease(client, name, release)) await helm.run(['uninstall', release, '--namespace', name]);
        },
      });
    }
    const waiting = suspended
      ? await helm.upgradeFlagsWithoutPods()
      : [...(request.wait ? ['--wait'] : []), ...(before ? [await helm.rollbackFlag()] : [])];
    helmRan = true;
    try {
      await helm.run(
        [
          'upgrade',
          '--install',
          release,
          request.chart,
          '--namespace',
          name,
          ...helmValueArgs(request),
          '--timeout',
          `${Math.ceil(request.timeoutMs / 1000)}s`,
          ...waiting,
        ],
        { signal: deps.signal },
      );
    } catch (error) {
      if (suspended && before) {
        progress(`release ${release}: upgrade failed, rolling back to revision ${before.revision}`);
        await helm.rollbackWithoutPods(release, name).catch(() => undefined);
      }
      throw error;
    }
    if (suspended) await suspendAgain();
    await applyNamespace(client, tenantNamespaceObject(request, chart, fingerprint, release));
    return outcome(before ? 'upgraded' : 'installed');
  } catch (error) {
    // A failed upgrade was rolled back to the old chart's replica counts, which must not wake it either.
    if (suspended && helmRan) await suspendAgain().catch(() => undefined);
    // Without the lock this run changed nothing of the other install's, so it undoes only what it created.
    const left = await rollBack(
      unlock ? undo : undo.filter((step) => step.what === `namespace ${name}`),
      progress,
      name,
    );
    const reason = error instanceof Error ? error.message : String(error);
    throw failure(`install of tenant "${name}" failed: ${reason}`, {
      cause: error,
      hint: left.length
        ? `could not remove: ${left.join('; ')}`
        : undo.length
          ? 'everything this run created was removed'
          : 'nothing was changed',
    });
  } finally {
    await unlock?.().catch(() => undefined);
  }
}
