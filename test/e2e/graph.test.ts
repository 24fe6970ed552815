import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apply, clusterEnv, kubectl, kubectlJson, uniqueName } from '../support/cluster.ts';
import { ROOT, graphvizChunk, plugin, run, runTracingModules } from '../support/run.ts';
import { compositionCount } from '../support/kubeplus.ts';
import { deleteNamespaces } from '../support/tenants.ts';

const STOREFRONT = path.join(ROOT, 'examples', 'charts', 'storefront');
const graph = (args: string[]) => run(plugin('kubectl-mimt-graph'), args, { env: clusterEnv(), timeoutMs: 120_000 });

interface GraphJson {
  kind: string;
  root: string;
  nodes: {
    id: string;
    kind: string;
    name: string;
    state: string;
    health: string;
    parent: string | null;
    level: number;
  }[];
  edges: { from: string; to: string; type: string }[];
}

describe('kubectl mimt graph', () => {
  const tenant = uniqueName('graph');
  // The database's claim binds to a volume of its own class: the local cluster has no provisioner.
  const volume = `${tenant}-pv`;
  let shown: GraphJson;

  before(async () => {
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: volume },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: tenant,
          hostPath: { path: `/tmp/${tenant}` },
        },
      }),
    );
    const install = await run(
      plugin('kubectl-mimt-install'),
      [tenant, '--chart', STOREFRONT, '--set', `storage.className=${tenant}`, '--owner', 'user:alice', '--wait'],
      { env: clusterEnv(), timeoutMs: 180_000 },
    );
    assert.equal(install.exitCode, 0, install.stderr);
    const result = await graph([tenant, '-o', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    shown = JSON.parse(result.stdout);
  });

  after(async () => {
    await deleteNamespaces([tenant]);
    await kubectl(['delete', 'persistentvolume', volume, '--wait=false', '--ignore-not-found']);
  });

  it('has every object of the release with its owner, and their pods, claims and endpoint slices', async () => {
    const parent = (id: string) => shown.nodes.find((n) => n.id === id)?.parent;
    assert.equal(shown.kind, 'TenantGraph');
    assert.equal(shown.root, `Tenant/${tenant}`);
    assert.equal(parent(`HelmRelease/${tenant}`), `Tenant/${tenant}`);
    for (const id of [
      `Deployment/${tenant}-web`,
      `StatefulSet/${tenant}-db`,
      `Service/${tenant}-web`,
      `Service/${tenant}-db`,
      `Ingress/${tenant}-web`,
      `HorizontalPodAutoscaler/${tenant}-web`,
      `PodDisruptionBudget/${tenant}-web`,
      `ConfigMap/${tenant}-config`,
      `Secret/${tenant}-db-credentials`,
      `ServiceAccount/${tenant}-web`,
    ]) {
      assert.equal(parent(id), `HelmRelease/${tenant}`, id);
    }
    // What the cluster says exists, each under its owner.
    const pods = await kubectlJson<{
      items: { metadata: { name: string; ownerReferences: { kind: string; name: string }[] } }[];
    }>(['get', 'pods', '-n', tenant]);
    assert.equal(pods.items.length, 3);
    for (const pod of pods.items) {
      const owner = pod.metadata.ownerReferences[0] as { kind: string; name: string };
      assert.equal(parent(`Pod/${pod.metadata.name}`), `${owner.kind}/${owner.name}`);
    }
    const replicaSets = shown.nodes.filter((n) => n.kind === 'ReplicaSet');
    assert.equal(replicaSets.length, 1);
    assert.equal(replicaSets[0]?.parent, `Deployment/${tenant}-web`);
    assert.equal(parent(`PersistentVolumeClaim/data-${tenant}-db-0`), `StatefulSet/${tenant}-db`);
    const slices = shown.nodes
      .filter((n) => n.kind === 'EndpointSlice')
      .map((n) => n.parent)
      .sort();
    assert.deepEqual(slices, [`Service/${tenant}-db`, `Service/${tenant}-web`]);
    assert.ok(
      shown.nodes.some((n) => n.kind === 'NetworkPolicy' && n.parent === `Tenant/${tenant}`),
      'policy',
    );
    const state = (id: string) => shown.nodes.find((n) => n.id === id)?.state;
    assert.equal(state(`Deployment/${tenant}-web`), '2/2');
    assert.equal(state(`PersistentVolumeClaim/data-${tenant}-db-0`), 'Bound');
    assert.equal(state(`HelmRelease/${tenant}`), 'deployed');
  });

  it('types the relations: selectors, routes, mounts, env, the autoscaler target and the binding', () => {
    const has = (from: string, type: string, to: string) =>
      shown.edges.some((e) => e.from === from && e.type === type && e.to === to);
    const webPods = shown.nodes.filter((n) => n.kind === 'Pod' && n.name.startsWith(`${tenant}-web-`));
    assert.equal(webPods.length, 2);
    for (const pod of webPods) {
      assert.ok(has(`Service/${tenant}-web`, 'selects', pod.id), `service selects ${pod.id}`);
      assert.ok(has(`PodDisruptionBudget/${tenant}-web`, 'selects', pod.id));
      assert.ok(has(pod.id, 'mounts', `ConfigMap/${tenant}-config`));
      assert.ok(has(pod.id, 'env', `Secret/${tenant}-db-credentials`));
      assert.ok(has(pod.id, 'runs-as', `ServiceAccount/${tenant}-web`));
    }
    assert.ok(has(`Pod/${tenant}-db-0`, 'mounts', `PersistentVolumeClaim/data-${tenant}-db-0`));
    assert.ok(has(`Ingress/${tenant}-web`, 'routes', `Service/${tenant}-web`));
    assert.ok(has(`HorizontalPodAutoscaler/${tenant}-web`, 'scales', `Deployment/${tenant}-web`));
    assert.ok(has('RoleBinding/mimt-owner', 'binds', 'User/alice'));
  });

  it('prints the tree with the relations, in a fixed number of requests', async () => {
    const result = await graph([tenant, '-v=1']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^Tenant/${tenant}\\s+\\S+\\n├── HelmRelease/${tenant}\\s+deployed\\n`));
    assert.match(result.stdout, new RegExp(`│   ├── Deployment/${tenant}-web\\s+2/2\\n│   │   └── ReplicaSet/`));
    assert.match(result.stdout, new RegExp(`^Ingress/${tenant}-web\\s+routes\\s+Service/${tenant}-web$`, 'm'));
    // The tenant's lookup (namespaces, KubePlus compositions, one per KubePlus Kind), the release
    // records and 22 lists: none per object.
    const compositions = compositionCount;
    const kinds = [await compositions()];
    const again = await graph([tenant, '-v=1']);
    kinds.push(await compositions());
    const requests = Number(/^I (\d+) API requests to /m.exec(again.stderr)?.[1]);
    assert.ok(
      kinds.some((k) => requests === 25 + k),
      `${requests} requests with ${kinds.join(' or ')} KubePlus Kinds`,
    );
  });

  it('writes DOT that Graphviz accepts, and an SVG with one node per object', async () => {
    const dot = await graph([tenant, '-o', 'dot']);
    assert.equal(dot.exitCode, 0, dot.stderr);
    const drawn = await run('/usr/bin/dot', ['-Tsvg'], { input: dot.stdout });
    assert.equal(drawn.exitCode, 0, `dot refused it: ${drawn.stderr}`);
    assert.equal(drawn.stderr, '', 'no warnings from dot');

    const svg = await graph([tenant, '-o', 'svg']);
    assert.equal(svg.exitCode, 0, svg.stderr);
    const lint = await run('/usr/bin/xmllint', ['--noout', '-'], { input: svg.stdout });
    assert.equal(lint.exitCode, 0, `not well-formed: ${lint.stderr}`);
    const titles = [...svg.stdout.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>/g)].map((m) =>
      (m[1] as string).replace(/&#(\d+);/g, (_e, code: string) => String.fromCharCode(Number(code))),
    );
    assert.equal(titles.length, shown.nodes.length);
    assert.deepEqual(new Set(titles), new Set(shown.nodes.map((n) => n.id)));
  });

  it('loads Graphviz for -o svg only', async () => {
    const chunk = new RegExp(graphvizChunk().replace('.', '\\.'));
    const json = await runTracingModules(plugin('kubectl-mimt-graph'), [tenant, '-o', 'json'], clusterEnv());
    assert.equal(json.exitCode, 0, json.stderr);
    assert.doesNotMatch(json.stderr, chunk);
    const svg = await runTracingModules(plugin('kubectl-mimt-graph'), [tenant, '-o', 'svg'], clusterEnv());
    assert.equal(svg.exitCode, 0, svg.stderr);
    assert.match(svg.stderr, chunk);
  });

  it('fails on an unknown tenant with exit 1', async () => {
    const missing = await graph(['graph-no-such-tenant']);
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /^error: tenant "graph-no-such-tenant" not found/);
  });
});
