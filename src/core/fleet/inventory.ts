import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { collectionPath, customResource } from '../kube/resources.ts';

/** The SIG-Multicluster cluster inventory API (KEP-4322): one ClusterProfile per cluster, on a hub. */
export const CLUSTER_PROFILE = customResource('multicluster.x-k8s.io', 'v1alpha1', 'ClusterProfile', 'clusterprofiles');

interface Provider {
  name?: string;
  cluster?: { server?: string };
}

export interface ClusterProfile extends KubeObject {
  spec?: { displayName?: string };
  /** credentialProviders is the older name of accessProviders; profiles may carry either. */
  status?: { accessProviders?: Provider[]; credentialProviders?: Provider[] };
}

export interface InventoryCluster {
  /** namespace/name of the ClusterProfile. */
  profile: string;
  context: string;
}

export interface InventoryMatch {
  clusters: InventoryCluster[];
  /** Profiles no kubeconfig context reaches (by server URL), or that name no server: reported, never guessed. */
  unmatched: { profile: string; reason: string }[];
}

/** A server URL as the API server is reached: scheme, host and port, lower-case, no trailing slash. */
export function normalizeServer(server: string): string {
  try {
    const url = new URL(server);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return server.replace(/\/+$/, '').toLowerCase();
  }
}

function serversOf(profile: ClusterProfile): string[] {
  const providers = [...(profile.status?.accessProviders ?? []), ...(profile.status?.credentialProviders ?? [])];
  return [...new Set(providers.map((p) => p.cluster?.server).filter((s): s is string => typeof s === 'string'))];
}

/** Every ClusterProfile the hub has, in every namespace the user may list. */
export async function readClusterProfiles(hub: KubeClient): Promise<ClusterProfile[]> {
  return (await hub.list<ClusterProfile>(collectionPath(CLUSTER_PROFILE))).items;
}

/**
 * Matches each profile to the kubeconfig context whose cluster has the same server. Several contexts
 * on one server (users, namespaces): the first in kubeconfig order, as kubectl lists them.
 */
export function matchProfiles(
  profiles: readonly ClusterProfile[],
  contexts: readonly { name: string; server: string | undefined }[],
): InventoryMatch {
  const match: InventoryMatch = { clusters: [], unmatched: [] };
  for (const profile of profiles) {
    const id = `${profile.metadata.namespace ?? ''}/${profile.metadata.name}`;
    const servers = serversOf(profile).map(normalizeServer);
    if (servers.length === 0) {
      match.unmatched.push({ profile: id, reason: 'its status names no server (accessProviders)' });
      continue;
    }
    const context = contexts.find((c) => c.server !== undefined && servers.includes(normalizeServer(c.server)));
    if (context) match.clusters.push({ profile: id, context: context.name });
    else match.unmatched.push({ profile: id, reason: `no kubeconfig context has server ${servers.join(' or ')}` });
  }
  return match;
}
