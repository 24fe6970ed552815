import type { ResolvedKubeconfig } from '../../src/core/kube/kubeconfig.ts';

/** A one-context kubeconfig with a bearer token for a test server at `server` (its CA, for https). */
export function resolvedFor(server: string, ca?: Buffer): ResolvedKubeconfig {
  const cluster = ca ? { server, 'certificate-authority-data': ca.toString('base64') } : { server };
  return {
    contextName: 'test',
    namespace: 'default',
    namespaceExplicit: false,
    server,
    files: [],
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster }],
      users: [{ name: 'u', user: { token: 'abc' } }],
      contexts: [{ name: 'test', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'test',
    },
  };
}
