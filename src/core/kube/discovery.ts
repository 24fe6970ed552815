import type { KubeClient } from './client.ts';
import { getOptional } from './read.ts';
import { type Resource, customResource, discoveryPath, knownResource, splitApiVersion } from './resources.ts';

interface ResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

/**
 * The resource behind any apiVersion and kind: from the table of known kinds, else from the API
 * server's discovery document of that group version (one request per group version, remembered).
 * Undefined when the server does not serve it (a CRD that was removed, an API that was turned off).
 */
export class ResourceFinder {
  private readonly client: KubeClient;
  private readonly lists = new Map<string, Promise<ResourceList | undefined>>();

  constructor(client: KubeClient) {
    this.client = client;
  }

  async find(apiVersion: string, kind: string): Promise<Resource | undefined> {
    const known = knownResource(apiVersion, kind);
    if (known) return known;
    let list = this.lists.get(apiVersion);
    if (!list) {
      list = getOptional<ResourceList>(this.client, discoveryPath(apiVersion));
      this.lists.set(apiVersion, list);
    }
    // Subresources (`deployments/scale`) share their parent's kind; only the collection is wanted.
    const found = (await list)?.resources?.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) return undefined;
    const { group, version } = splitApiVersion(apiVersion);
    return customResource(group, version, kind, found.name, found.namespaced);
  }
}
