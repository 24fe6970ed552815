import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MimtError, failure, interrupted } from '../errors.ts';
import { type ChartInfo, inspectChart } from '../helm/chart.ts';
import { manifestObjects } from '../helm/manifest.ts';
import type { Helm } from '../helm/cli.ts';
import { HELM_RECORD_SELECTOR, type ReleaseRecord, latestReleases } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import { type KubeObject, annotationsOf, labelsOf } from '../kube/objects.ts';
import { isConflict } from '../kube/read.ts';
import { ResourceFinder } from '../kube/discovery.ts';
import { collectionPath } from '../kube/resources.ts';
import { applyPolicyObjects, ownedPolicyObjects } from '../policy/apply.ts';
import { podSecurityLabels, renderPolicy } from '../policy/profiles.ts';
import { type PolicySettings, recordSettings, recordedSettings } from '../policy/settings.ts';
import { mimtRecord, recordedPolicy, suspendedAt, tenantNamespaceMetadata } from '../tenant/contract.ts';
import { isMimtNamespace } from '../tenant/discover.ts';
import { workloadProblems } from '../tenant/inventory.ts';
import { applyNamespace, createNamespace, deleteNamespace, getNamespace, namespacePath } from '../tenant/namespace.ts';
import { installFingerprint } from './fingerprint.ts';
import { type InstallLock, acquireInstallLock } from './lock.ts';
import { podRefusals, podTemplates } from './preflight.ts';
import { type ChartReach, chartReach } from './reach.ts';
import { GUARD_NAME, readWorkloads, suspendNamespace } from './suspend.ts';

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
  /** Lets a standard-profile chart give the tenant's identities rights outside its namespace. */
  allowClusterAccess?: boolean;
}

export type InstallAction = 'installed' | 'upgraded' | 'unchanged' | 'planned';

export interface InstallOutcome {
  action: InstallAction;
  tenant: string;
  namespace: string;
  chart: ChartInfo;
  release: string;
  /** The release's revision after this run, as Helm reports it. */
  revision?: number;
  /** Set when the tenant is suspended: it was installed or upgraded without starting a pod, and stays so. */
  suspendedAt?: string;
  /** With --dry-run: what would be created. */
  plan?: {
    namespace: KubeObject;
    policy: KubeObject[];
    manifest: string[];
    /** What the pre-flight found, and what it would refuse (the install would then change nothing). */
    preflight: string[];
    refusals: string[];
  };
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

/** The helm command line of an install or upgrade of the tenant, with its values. */
export function upgradeArgs(release: string, request: InstallRequest): string[] {
  return ['upgrade', '--install', release, request.chart, '--namespace', request.tenant, ...helmValueArgs(request)];
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

/** The revision in `helm upgrade --output json`'s answer; undefined when it does not say. */
function releaseRevision(stdout: string): number | undefined {
  try {
    const version = (JSON.parse(stdout) as { version?: unknown }).version;
    return typeof version === 'number' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** The chart rendered with the request's values, hooks included, as `helm template` prints it. */
async function render(deps: InstallDeps, request: InstallRequest): Promise<string> {
  if (!request.reuseValues) {
    const args = [
      'template',
      request.tenant,
      request.chart,
      '--namespace',
      request.tenant,
      '--include-crds',
      ...helmValueArgs(request),
    ];
    return (await deps.helm.run(args)).stdout;
  }
  // helm template cannot reuse a release's values: they are handed over as a values file instead.
  const dir = mkdtempSync(path.join(tmpdir(), 'mimt-values-'));
  try {
    const file = path.join(dir, 'values.yaml');
    const values = await deps.helm.run(['get', 'values', request.tenant, '--namespace', request.tenant, '-o', 'yaml']);
    writeFileSync(file, values.stdout, { mode: 0o600 });
    const args = ['template', request.tenant, request.chart, '--namespace', request.tenant, '--include-crds'];
    args.push('--values', file);
    return (await deps.helm.run([...args, ...(request.version ? ['--version', request.version] : [])])).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What the install is asked to do, as a digest: the same as the last install's means Helm is not run. */
export function requestFingerprint(request: InstallRequest, chart: ChartInfo): string {
  return installFingerprint({
    chart: request.chart,
    chartVersion: chart.version,
    valuesFiles: request.valuesFiles,
    set: [...request.set, ...(request.reuseValues ? ['--reset-then-reuse-values'] : [])],
    settings: request.settings,
  });
}

/** The values of settled promises, or the first reason in their order. */
function settled<T extends readonly unknown[]>(results: { [K in keyof T]: PromiseSettledResult<T[K]> }): T {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The tenant's namespace, if it exists; refused when it is not a mimt tenant's or is going away. */
export async function tenantNamespace(client: KubeClient, name: string): Promise<KubeObject | undefined> {
  const existing = await getNamespace(client, name);
  if (existing && !isMimtNamespace(existing)) {
    throw failure(`namespace "${name}" exists and is not a mimt tenant`, {
      hint: `pick another tenant name, or make the Helm release in it a tenant: kubectl mimt adopt ${name}`,
    });
  }
  if (existing?.metadata.deletionTimestamp) {
    throw failure(`namespace "${name}" is being deleted`, { hint: 'wait until it is gone, then install again' });
  }
  return existing;
}

/** What a tenant can do about pods its policy refuses, by the profile that refuses them. */
function preflightHint(request: InstallRequest): string {
  const level = { strict: 'restricted', standard: 'baseline', none: undefined }[request.settings.profile];
  const values =
    level === 'restricted'
      ? 'runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault'
      : 'no privileged containers, host namespaces, hostPath volumes or added capabilities';
  const other =
    request.settings.profile === 'strict'
      ? '--profile standard (Pod Security "baseline", which admits pods without a securityContext)'
      : '--profile none (no Pod Security, quota or isolation at all)';
  return (
    `set the pods' securityContext through the chart's values (-f values.yaml; the chart's README names the keys; ` +
    `${values}), raise the quota with --quota if it refused them, or install with ${other}`
  );
}

interface Verdict {
  /** What the check found, one line each, for the progress lines or a dry run's plan. */
  lines: string[];
  refusal?: { message: string; hint: string };
}

/**
 * What the chart would make outside the namespace, and whether the profile lets it give the
 * tenant's own identities rights there: never under strict, only with --allow-cluster-access under
 * standard, said plainly under none, which isolates nothing anyway.
 */
function reachVerdict(request: InstallRequest, reach: ChartReach): Verdict {
  const lines = [
    ...(reach.cluster.length ? [`cluster-scoped objects of the chart: ${reach.cluster.join(', ')}`] : []),
    ...(reach.elsewhere.length ? [`objects in other namespaces: ${reach.elsewhere.join(', ')}`] : []),
    ...(reach.unknown.length
      ? [`objects of kinds the API server does not serve (scope unknown): ${reach.unknown.join(', ')}`]
      : []),
  ];
  if (!reach.grants.length) return { lines };
  const granted = reach.grants.map((g) => `${g.object} gives ${g.grants}`).join('; ');
  const { profile } = request.settings;
  if (profile === 'none' || (profile === 'standard' && request.allowClusterAccess)) {
    const why = profile === 'none' ? 'profile none' : '--allow-cluster-access';
    return { lines: [...lines, `allowed by ${why}, the tenant gets rights outside its namespace: ${granted}`] };
  }
  const off = "turn them off through the chart's values (its README names the key, often rbac.create=false)";
  return {
    lines,
    refusal: {
      message:
        `the chart would give the tenant rights outside its namespace, which profile ${profile} does not allow` +
        `${profile === 'standard' ? ' without --allow-cluster-access' : ''}: ${granted}`,
      hint:
        profile === 'strict'
          ? `${off}, or install under --profile standard with --allow-cluster-access`
          : `${off}, or, if this tenant may hold them, install again with --allow-cluster-access`,
    },
  };
}

/** Says what the chart would make outside the namespace, and refuses, before any change, what the profile does not allow. */
function checkReach(request: InstallRequest, reach: ChartReach, progress: (line: string) => void): void {
  const verdict = reachVerdict(request, reach);
  for (const line of verdict.lines) progress(`pre-flight: ${line}`);
  if (verdict.refusal) {
    throw failure(`install of tenant "${request.tenant}" refused: ${verdict.refusal.message}`, {
      hint: `${verdict.refusal.hint}; nothing was changed`,
    });
  }
}

/**
 * The pre-flight of a dry run, which creates nothing: the chart's reach, and its pods asked of the
 * API server in the tenant's namespace when that exists. A new namespace cannot be asked about: a
 * dry-run create of it stores nothing, so a pod dry run in it finds no namespace.
 */
async function dryRunChecks(
  deps: InstallDeps,
  request: InstallRequest,
  manifest: string,
  existing: KubeObject | undefined,
): Promise<{ preflight: string[]; refusals: string[] }> {
  const { client } = deps;
  const name = request.tenant;
  const reach = reachVerdict(
    request,
    await chartReach(client, new ResourceFinder(client), manifest, name, request.settings.owner),
  );
  const templates = podTemplates(manifest);
  const level = podSecurityLabels(request.settings.profile)['pod-security.kubernetes.io/enforce'];
  const policy = level
    ? `Pod Security "${level}", the quota and the LimitRange`
    : 'no Pod Security, quota or LimitRange';
  if (!existing) {
    return {
      preflight: [
        ...reach.lines,
        `pods not checked: namespace ${name} does not exist yet, and a dry-run create of it stores nothing, so the ` +
          `API server cannot be asked about pods in it; the install asks it about the ${templates.length} pod templates ` +
          `(${policy} of profile ${request.settings.profile}) once the namespace and its policy exist, before Helm runs`,
      ],
      refusals: reach.refusal ? [reach.refusal.message] : [],
    };
  }
  const annotations = annotationsOf(existing);
  const current = recordedPolicy(annotations).profile;
  const same =
    current === request.settings.profile &&
    recordSettings(recordedSettings(annotations)) === recordSettings(request.settings);
  const suspended = suspendedAt(annotations);
  const refused = await podRefusals(client, name, templates, suspended ? GUARD_NAME : undefined);
  const against = same
    ? `the namespace's policy (profile ${request.settings.profile})`
    : `the namespace's current policy (profile ${current ?? 'none recorded'}), not yet the requested ` +
      `profile ${request.settings.profile}, which a dry run does not apply; the install checks again under it`;
  return {
    preflight: [
      ...reach.lines,
      refused.length
        ? `pods of ${refused.length} of ${templates.length} pod templates refused by ${against}`
        : `the API server admits the pods of all ${templates.length} pod templates under ${against}`,
    ],
    refusals: [
      ...(reach.refusal ? [reach.refusal.message] : []),
      ...(refused.length ? [`the chart's pods would not be admitted: ${refused.join('; ')}`] : []),
    ],
  };
}

async function plan(
  deps: InstallDeps,
  request: InstallRequest,
  chart: ChartInfo,
  existing: KubeObject | undefined,
  stdout: string,
): Promise<InstallOutcome> {
  return {
    action: 'planned',
    tenant: request.tenant,
    namespace: request.tenant,
    chart,
    release: request.tenant,
    plan: {
      namespace: tenantNamespaceObject(request, chart),
      policy: renderPolicy(request.tenant, request.settings),
      manifest: manifestObjects(stdout, 'the rendered chart').map((o) => `${o.kind}/${o.name}`),
      ...(await dryRunChecks(deps, request, stdout, existing)),
    },
  };
}

const PENDING = new Set(['pending-install', 'pending-upgrade', 'pending-rollback']);

/**
 * A release left pending by a helm that no longer runs blocks every later helm operation. Under a
 * lock taken over from an install that stopped renewing it, that helm was the stopped install's:
 * a first install is uninstalled, an upgrade rolled back, and this run goes on. Without such a
 * takeover the pending operation did not run under mimt's lock, and is not mimt's to undo.
 */
async function recoverRelease(
  deps: InstallDeps,
  namespace: string,
  name: string,
  lock: InstallLock,
  release: ReleaseRecord | undefined,
): Promise<ReleaseRecord | undefined> {
  if (!release || !PENDING.has(release.status)) return release;
  if (!lock.tookOver) {
    throw failure(
      `release ${name} is ${release.status} (revision ${release.revision}) by a helm outside mimt's install lock`,
      {
        hint:
          `if no helm runs on it any more: helm ${release.status === 'pending-install' ? 'uninstall' : 'rollback'} ${name} ` +
          `--namespace ${namespace}, then install again`,
      },
    );
  }
  const fix = release.status === 'pending-install' ? 'uninstall' : 'rollback';
  deps.progress(`release ${name}: ${release.status} left by the stopped install; helm ${fix}`);
  await deps.helm.run([fix, name, '--namespace', namespace]);
  return currentRelease(deps.client, namespace, name);
}

/** A step that put something in the cluster, and how to take it out again. */
interface Undo {
  what: string;
  run: () => Promise<unknown>;
}

async function createTenantNamespace(client: KubeClient, namespace: KubeObject): Promise<KubeObject> {
  try {
    return await createNamespace(client, namespace);
  } catch (error) {
    if (isConflict(error)) {
      throw failure(
        `namespace "${namespace.metadata.name}" was created by someone else meanwhile: another install of this tenant is running`,
      );
    }
    throw error;
  }
}

/**
 * Puts the namespace's labels and annotations that `applied` set back to what `before` had: a merge
 * patch, so that a key the failed run added goes (null) whoever else shares it.
 */
async function restoreRecord(client: KubeClient, before: KubeObject, applied: KubeObject): Promise<void> {
  const back = (now: Record<string, string> | undefined, was: Record<string, string> | undefined) =>
    Object.fromEntries(Object.keys(now ?? {}).map((key) => [key, was?.[key] ?? null]));
  await client.request({
    method: 'PATCH',
    path: namespacePath(before.metadata.name),
    contentType: 'application/merge-patch+json',
    body: {
      metadata: {
        labels: back(applied.metadata.labels, before.metadata.labels),
        annotations: back(applied.metadata.annotations, before.metadata.annotations),
      },
    },
  });
}

/** A live object as server-side apply takes it again: without what the server sets. */
function asApplied(object: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = object;
  const { name, namespace, labels, annotations } = metadata;
  return { ...rest, metadata: { name, namespace, labels, annotations } };
}

async function rollBack(undo: Undo[], progress: (line: string) => void, what: string): Promise<string[]> {
  if (undo.length) progress(`${what}: undoing what this run did`);
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
  // Three reads that depend on nothing but the request, side by side: two of them are helm processes.
  // Three reads that depend on nothing but the request, side by side (two are helm processes); all
  // are awaited, so no helm outlives a refusal, and the first failure in this order is the one said.
  // Rendered before any change: what the chart would grant outside the namespace is refused with nothing done.
  const [chart, existing, manifest] = settled(
    await Promise.allSettled([
      inspectChart(helm, request.chart, request.version),
      tenantNamespace(client, name),
      render(deps, request),
    ]),
  );
  if (request.dryRun) return plan(deps, request, chart, existing, manifest);
  checkReach(
    request,
    await chartReach(client, new ResourceFinder(client), manifest, name, request.settings.owner),
    progress,
  );

  const fingerprint = requestFingerprint(request, chart);
  const recorded = existing && mimtRecord(labelsOf(existing), annotationsOf(existing));
  const previousFingerprint = recorded && recorded.fingerprint;
  const suspended = existing && suspendedAt(annotationsOf(existing));
  // An adopted tenant's release may be named otherwise than the tenant.
  const release = recorded ? recorded.release : name;
  const outcome = (action: InstallAction, revision: number | undefined): InstallOutcome => ({
    action,
    tenant: name,
    namespace: name,
    chart,
    release,
    ...(revision === undefined ? {} : { revision }),
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
  const undo: Undo[] = [];
  let lock: InstallLock | undefined;
  let helmStarted: Date | undefined;
  try {
    if (existing) {
      progress(`namespace ${name}: exists, a mimt tenant`);
      lock = await acquireInstallLock(client, name, progress, deps.signal);
      const record = tenantNamespaceObject(request, chart, previousFingerprint, release);
      await applyNamespace(client, record);
      // Else a failed upgrade would leave the namespace naming a chart version Helm rolled back from.
      undo.push({ what: `the record on namespace ${name}`, run: () => restoreRecord(client, existing, record) });
    } else {
      progress(`namespace ${name}: creating`);
      const created = await createTenantNamespace(client, tenantNamespaceObject(request, chart));
      undo.push({
        what: `namespace ${name}`,
        run: () => deleteNamespace(client, name, { waitMs: 120_000, uid: created.metadata.uid }),
      });
      lock = await acquireInstallLock(client, name, progress, deps.signal);
    }
    const stopped = AbortSignal.any([lock.lost, ...(deps.signal ? [deps.signal] : [])]);
    stopped.throwIfAborted();
    // Read under the lock: another install may have finished just before it was taken.
    const before = existing
      ? await recoverRelease(deps, name, release, lock, await currentRelease(client, name, release))
      : undefined;

    // Under the lock nothing else changes them: what is owned now is what the apply may prune.
    const previous = existing ? await ownedPolicyObjects(client, name) : [];
    progress(`policy ${request.settings.profile}: applying`);
    const desired = renderPolicy(name, request.settings);
    const applied = await applyPolicyObjects(client, name, desired, { owned: previous });
    if (existing) {
      // Applying the old set again prunes what this run added and brings back what it changed or pruned.
      undo.push({
        what: `the policy objects of ${name} as they were`,
        run: () => applyPolicyObjects(client, name, previous.map(asApplied)),
      });
    }
    progress(`policy ${request.settings.profile}: ${applied.applied.length} objects in force`);
    stopped.throwIfAborted();
    // Before Helm changes anything: would the tenant's own policy admit the chart's pods at all?
    const templates = podTemplates(manifest);
    // A suspended tenant's zero-pod quota refuses every pod by design: it says nothing of the chart.
    const refused = await podRefusals(client, name, templates, suspended ? GUARD_NAME : undefined);
    if (refused.length) {
      throw failure(
        `the chart's pods would not be admitted under profile ${request.settings.profile}: ${refused.join('; ')}`,
        {
          hint: preflightHint(request),
        },
      );
    }
    progress(`pre-flight: the API server admits the pods of all ${templates.length} pod templates`);

    if (before?.status === 'deployed' && previousFingerprint === fingerprint) {
      progress(`release ${release}: unchanged (revision ${before.revision})`);
      return outcome('unchanged', before.revision);
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
    helmStarted = new Date();
    helmRan = true;
    let revision: number | undefined;
    try {
      const upgraded = await helm.run(
        [
          ...upgradeArgs(release, request),
          '--timeout',
          `${Math.ceil(request.timeoutMs / 1000)}s`,
          ...waiting,
          '--output',
          'json',
        ],
        { signal: stopped },
      );
      revision = releaseRevision(upgraded.stdout);
    } catch (error) {
      if (suspended && before) {
        progress(`release ${release}: upgrade failed, rolling back to revision ${before.revision}`);
        await helm.rollbackWithoutPods(release, name).catch(() => undefined);
      }
      throw error;
    }
    if (suspended) await suspendAgain();
    await applyNamespace(client, tenantNamespaceObject(request, chart, fingerprint, release));
    return outcome(before ? 'upgraded' : 'installed', revision);
  } catch (error) {
    // A failed upgrade was rolled back to the old chart's replica counts, which must not wake it either.
    if (suspended && helmRan) await suspendAgain().catch(() => undefined);
    // Read before the roll-back removes them: the objects' status and events say what helm does not.
    const causes = helmStarted ? await workloadProblems(client, name, helmStarted).catch((): string[] => []) : [];
    // Without the lock this run changed nothing of the other install's, so it undoes only what it created.
    const left = await rollBack(
      lock ? undo : undo.filter((step) => step.what === `namespace ${name}`),
      progress,
      `install of ${name} ${deps.signal?.aborted ? 'interrupted' : 'failed'}`,
    );
    const reason = error instanceof Error ? error.message : String(error);
    const why = causes.length ? `${causes.join('; ')} (${reason})` : reason;
    const lost = lock?.lost.aborted ? (lock.lost.reason as Error).message : undefined;
    const stop = deps.signal?.aborted ? interrupted : failure;
    const message = deps.signal?.aborted
      ? `install of tenant "${name}" interrupted (Ctrl-C)`
      : `install of tenant "${name}" failed: ${lost ?? why}`;
    throw stop(message, {
      cause: error,
      hint: [
        // The way out a step named (a busy lock, a pending release) comes first.
        ...(error instanceof MimtError && error.hint ? [error.hint] : []),
        left.length
          ? `could not undo: ${left.join('; ')}`
          : undo.length
            ? existing
              ? 'what this run changed was put back as it was'
              : 'everything this run created was removed'
            : 'nothing was changed',
      ].join('; '),
    });
  } finally {
    await lock?.release().catch(() => undefined);
  }
}
