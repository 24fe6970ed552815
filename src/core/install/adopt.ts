import { failure, usageError } from '../errors.ts';
import { type ReleaseMetadata, releaseMetadata } from '../helm/chart.ts';
import type { Helm } from '../helm/cli.ts';
import { HELM_RECORD_SELECTOR, latestReleases } from '../helm/records.ts';
import type { KubeClient } from '../kube/client.ts';
import { type KubeObject, annotationsOf, labelsOf } from '../kube/objects.ts';
import { collectionPath } from '../kube/resources.ts';
import { applyPolicyObjects } from '../policy/apply.ts';
import { podSecurityLabels, renderPolicy } from '../policy/profiles.ts';
import { type PolicySettings, recordSettings } from '../policy/settings.ts';
import { mimtRecord, tenantNamespaceMetadata } from '../tenant/contract.ts';
import { isKubePlusNamespace, isMimtNamespace } from '../tenant/discover.ts';
import { applyNamespace, getNamespace } from '../tenant/namespace.ts';
import { acquireInstallLock } from './lock.ts';
import { PROTECTED_NAMESPACES } from './uninstall.ts';

export interface AdoptRequest {
  namespace: string;
  release?: string;
  /** The chart reference to record for later installs (default: the chart's name). */
  chart?: string;
  settings: PolicySettings;
  dryRun: boolean;
}

export interface AdoptOutcome {
  action: 'adopted' | 'unchanged' | 'planned';
  tenant: string;
  release: string;
  chart: ReleaseMetadata;
  /** What adopting writes: the namespace's labels and annotations, and the profile's objects. */
  namespace: KubeObject;
  policy: KubeObject[];
}

/** The namespace's Helm releases, newest revision of each, from the release records' labels. */
async function releasesIn(client: KubeClient, namespace: string) {
  const records = await client.list(collectionPath('Secret', namespace), {
    metadataOnly: true,
    labelSelector: HELM_RECORD_SELECTOR,
  });
  return latestReleases(records.items).get(namespace) ?? [];
}

/** Which release to adopt: the one named, or the only one there; refused otherwise, saying what is there. */
function pickRelease(namespace: string, names: string[], wanted: string | undefined): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  if (wanted !== undefined) {
    if (names.includes(wanted)) return wanted;
    throw failure(`namespace "${namespace}" has no Helm release "${wanted}"`, {
      hint: names.length ? `its releases: ${list}` : 'it holds no Helm release',
    });
  }
  if (names.length === 1) return names[0] as string;
  if (names.length === 0) {
    throw failure(`namespace "${namespace}" holds no Helm release to adopt`, {
      hint: `install one with kubectl mimt install ${namespace} --chart CHART`,
    });
  }
  throw usageError(`namespace "${namespace}" holds ${names.length} Helm releases: ${list}`, 'pick one with --release');
}

/**
 * Makes a Helm release installed without mimt a mimt tenant: labels and annotations on its
 * namespace as install writes them (chart, version, release, profile and its settings), and the
 * profile's policy. The release itself is not touched: no Helm revision, no object of the chart
 * changes. Refused for system namespaces, KubePlus instances and release states other than deployed.
 */
export async function adoptRelease(
  deps: { client: KubeClient; helm: Helm; progress: (line: string) => void },
  request: AdoptRequest,
): Promise<AdoptOutcome> {
  const { client, helm, progress } = deps;
  const name = request.namespace;
  if (PROTECTED_NAMESPACES.includes(name) || name.startsWith('kube-')) {
    throw failure(`refusing to adopt "${name}": it is a system namespace, never a tenant`);
  }
  const live = await getNamespace(client, name);
  if (!live) throw failure(`namespace "${name}" not found`);
  if (live.metadata.deletionTimestamp) throw failure(`namespace "${name}" is being deleted`);
  if (isKubePlusNamespace(live)) {
    throw failure(`refusing to adopt "${name}": it is a KubePlus instance, which KubePlus manages`, {
      hint: 'mimt already lists it (kubectl mimt ls), and suspend, metrics and logs work on it as it is',
    });
  }
  const recorded = isMimtNamespace(live) ? mimtRecord(labelsOf(live), annotationsOf(live)) : undefined;
  if (recorded && request.release !== undefined && request.release !== recorded.release) {
    throw failure(
      `refusing to adopt release "${request.release}": "${name}" is a mimt tenant of release "${recorded.release}"`,
    );
  }
  const releases = await releasesIn(client, name);
  const release = pickRelease(
    name,
    releases.map((r) => r.name),
    request.release ?? recorded?.release,
  );
  const state = releases.find((r) => r.name === release);
  if (state?.status !== 'deployed') {
    throw failure(`refusing to adopt release "${release}": its revision ${state?.revision} is ${state?.status}`, {
      hint: 'adopt a deployed release: fix or roll it back with helm first',
    });
  }
  const chart = await releaseMetadata(helm, release, name);
  const { labels, annotations } = tenantNamespaceMetadata({
    tenant: name,
    release,
    chart: request.chart ?? recorded?.chartRef ?? chart.name,
    chartName: chart.name,
    chartVersion: chart.version,
    profile: request.settings.profile,
    settings: recordSettings(request.settings),
  });
  const namespace: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...labels, ...podSecurityLabels(request.settings.profile) }, annotations },
  };
  const policy = renderPolicy(name, request.settings);
  const outcome = (action: AdoptOutcome['action']): AdoptOutcome => ({
    action,
    tenant: name,
    release,
    chart,
    namespace,
    policy,
  });
  // Already a tenant: adopting again changes nothing (policy apply changes a profile).
  if (recorded) return outcome('unchanged');
  if (request.dryRun) return outcome('planned');

  const lock = await acquireInstallLock(client, name, progress);
  try {
    progress(
      `namespace ${name}: recording release ${release} (${chart.name} ${chart.version}, revision ${chart.revision})`,
    );
    await applyNamespace(client, namespace);
    progress(`policy ${request.settings.profile}: applying`);
    const applied = await applyPolicyObjects(client, name, policy);
    progress(`policy ${request.settings.profile}: ${applied.applied.length} objects in force`);
  } finally {
    await lock.release().catch(() => undefined);
  }
  return outcome('adopted');
}
