/**
 * What shell completion asks of the kubeconfig and the cluster. Completion runs on every Tab, so the
 * cluster gets a short deadline and one try, and any failure means no candidates rather than an error.
 */
import { KubeClient } from '../core/kube/client.ts';
import { type ConnectionOptions, kubeconfigNames, loadKubeconfig } from '../core/kube/kubeconfig.ts';
import { collectionPath } from '../core/kube/resources.ts';
import { listTenants } from '../core/tenant/inventory.ts';

export type CompletionConnection = Omit<ConnectionOptions, 'namespace'>;

export interface CompletionSources {
  tenants(): Promise<string[]>;
  namespaces(): Promise<string[]>;
  kubeconfig(kind: 'contexts' | 'clusters' | 'users'): Promise<string[]>;
}

/** Long enough for a healthy API server across a network, short enough for a Tab key. */
export const COMPLETION_TIMEOUT_MS = 2000;

async function orNothing(names: () => Promise<string[]>): Promise<string[]> {
  try {
    return [...new Set(await names())].sort();
  } catch {
    return [];
  }
}

export function completionSources(connection: CompletionConnection, env: NodeJS.ProcessEnv): CompletionSources {
  let client: Promise<KubeClient> | undefined;
  const kube = (): Promise<KubeClient> => {
    client ??= KubeClient.create(loadKubeconfig(connection, env), {
      requestTimeoutMs: COMPLETION_TIMEOUT_MS,
      maxRetries: 0,
    });
    return client;
  };
  return {
    tenants: () => orNothing(async () => (await listTenants(await kube())).tenants.map((t) => t.name)),
    namespaces: () =>
      orNothing(async () =>
        (await (await kube()).list(collectionPath('Namespace'), { metadataOnly: true })).items.map(
          (n) => n.metadata.name,
        ),
      ),
    kubeconfig: (kind) => orNothing(async () => kubeconfigNames(connection, env)[kind]),
  };
}
