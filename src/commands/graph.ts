import { buildGraph } from '../core/graph/build.ts';
import { readTenantObjects } from '../core/graph/read.ts';
import type { KubeClient } from '../core/kube/client.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import type { Document } from '../output/result.ts';
import { graphDocument } from '../views/graph.ts';

export interface GraphOptions {
  tenant: string;
  source?: TenantSource;
}

export interface GraphDeps {
  kube(): Promise<KubeClient>;
  colour: boolean;
}

/** One tenant's objects and how they connect, from a fixed number of requests (docs/graph.md). */
export async function graph(options: GraphOptions, deps: GraphDeps): Promise<Document> {
  const client = await deps.kube();
  const objects = await readTenantObjects(client, options.tenant, options.source);
  return graphDocument(buildGraph(objects), objects.tenant, deps.colour, objects.report.lines());
}
