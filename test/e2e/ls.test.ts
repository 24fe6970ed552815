import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { CLUSTER_BIN, apply, clusterEnv, helm, kubectl, kubectlJson, uniqueName, waitFor } from '../support/cluster.ts';
import { type KubePlusKind, kubePlusInstance, registerKind, removeKind } from '../support/kubeplus.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, deleteNamespaces, helmTenant, tenantNamespace } from '../support/tenants.ts';

interface TenantItem {
  kind: string;
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    namespace: string;
    source: string;
    chart: string | null;
    chartVersion: string | null;
    release: string;
    kind?: string;
  };
  status: {
    phase: string;
    reason?: string;
    policy?: { profile: string | null; state: string };
    release: { status: string; revision: number } | null;
    pods: { ready: number; total: number; restarts: number } | null;
    problems?: string[];
  };
}

interface DetailItem extends TenantItem {
  status: TenantItem['status'] & {
    resources: { kind: string; name: string; status: string; origin?: string; node?: string | null }[];
    urls: { url: string | null; type: string; object: string; node?: string; nodePort?: number }[];
    events: { type: string; reason: string; object: string; message: string; count: number; lastSeen: string }[];
    policy: { profile: string | null; state: string; findings: unknown[] };
  };
}

const ls = (args: string[], env = clusterEnv()) => run(plugin('kubectl-mimt-ls'), args, { env, timeoutMs: 120_000 });

async function listJson(args: string[] = []): Promise<{ apiVersion: string; kind: string; items: TenantItem[] }> {
  const result = await ls([...args, '-o', 'json']);
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout);
}

async function detailJson(args: string[]): Promise<DetailItem> {
  const result = await ls([...args, '-o', 'json']);
  assert.equal(result.exitCode, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** A table's rows split into cells on kubectl's column gaps (three spaces or more). */
function rowOf(stdout: string, name: string): string[] {
  return (
    stdout
      .split('\n')
      .find((r) => r.startsWith(`${name} `))
      ?.split(/\s{3,}/) ?? []
  );
}

/** Helm's storage record of a release, metadata only, as `helm` writes it (for tenants helm cannot make). */
function releaseRecord(namespace: string, release: string, status: string, revision = 1): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: `sh.helm.release.v1.${release}.v${revision}`,
      namespace,
      labels: { owner: 'helm', name: release, status, version: String(revision) },
    },
    data: { release: '' },
  });
}

function deployment(namespace: string, name: string, podLabels: Record<string, string>, extra: object = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...podLabels } },
        spec: { containers: [{ name: 'main', image: 'example.invalid/app:1' }], ...extra },
      },
    },
  });
}

describe('kubectl mimt ls', { timeout: 900_000 }, () => {
  const batch = uniqueName('ls');
  const ready = `${batch}-ready`;
  const failed = `${batch}-failed`;
  const bare = `${batch}-bare`;
  const leaving = `${batch}-leaving`;
  const crashing = `${batch}-crash`;
  const starting = `${batch}-start`;
  const selector = `e2e-batch=${batch}`;
  const labels = { 'e2e-batch': batch };
  const host = `${ready}.example.test`;
  let kubeplus: KubePlusKind;
  const instance = `${batch}-kp`;

  before(async () => {
    await helmTenant(ready, { labels: { ...labels, tier: 'gold' } });
    await helmTenant(crashing, { labels });
    // KWOK runs no containers: the pod-crash-loop stage (test/cluster/stages) makes this pod crash-loop.
    await apply(deployment(crashing, 'crasher', { 'crash-loop.mimt.test': 'true' }));
    await apply(tenantNamespace(failed, labels));
    // A Service port of 0 is rejected by the API server, so Helm records the release as failed.
    await run(
      path.join(CLUSTER_BIN, 'helm'),
      ['install', failed, '-n', failed, '--set', 'service.port=0', EXAMPLE_CHART],
      { env: clusterEnv() },
    );
    await apply(tenantNamespace(bare, labels));
    // A deployed release whose pod waits for a node that does not exist: starting, not broken.
    await apply(tenantNamespace(starting, labels));
    await apply(releaseRecord(starting, starting, 'deployed'));
    await apply(deployment(starting, 'waiting', {}, { nodeSelector: { 'e2e.mimt.io/no-such-node': 'true' } }));
    await apply(tenantNamespace(leaving, labels));
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace: leaving, finalizers: ['e2e.mimt.io/hold'] },
      }),
    );
    await kubectl(['delete', 'namespace', leaving, '--wait=false']);

    kubeplus = await registerKind({ prefix: 'Ls', chartName: 'webapp' });
    const { release } = await kubePlusInstance(kubeplus, instance, labels);
    await helm(['install', release, EXAMPLE_CHART, '-n', instance, '--wait', '--timeout', '2m']);

    await waitFor('the crash-looping pod', async () => {
      const pods = await kubectl(['get', 'pods', '-n', crashing, '-l', 'app=crasher', '--no-headers']);
      return /CrashLoopBackOff/.test(pods.stdout) ? true : undefined;
    });
  });

  after(async () => {
    await kubectl([
      'patch',
      'configmap',
      'held',
      '-n',
      leaving,
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]).catch(() => undefined);
    if (kubeplus) await removeKind(kubeplus);
    await deleteNamespaces([ready, failed, bare, crashing, starting, instance]);
  });

  it('lists each tenant with its chart, status and pods in a kubectl table', async () => {
    const result = await ls(['-l', selector]);
    assert.equal(result.exitCode, 0, result.stderr);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    assert.match(header ?? '', /^TENANT\s+NAMESPACE\s+SOURCE\s+CHART\s+VERSION\s+STATUS\s+PODS\s+AGE$/);
    const row = (name: string) => rowOf(result.stdout, name);
    assert.deepEqual(row(ready).slice(0, 7), [ready, ready, 'mimt', EXAMPLE_CHART, '0.1.0', 'Ready', '2/2']);
    assert.deepEqual(row(crashing).slice(5, 7), ['Degraded (CrashLoopBackOff)', '2/3']);
    assert.deepEqual(row(starting).slice(5, 7), ['Progressing', '0/1']);
    assert.equal(row(failed)[5], 'Failed');
    assert.equal(row(bare)[5], 'Unknown');
    assert.equal(row(leaving)[5], 'Terminating');
    assert.deepEqual(row(instance).slice(0, 7), [instance, instance, 'kubeplus', 'webapp', '0.1.0', 'Ready', '2/2']);
    assert.deepEqual(
      rows.map((r) => r.split(/\s+/)[0]),
      [bare, crashing, failed, instance, leaving, ready, starting],
      'sorted by name',
    );
  });

  it('prints a TenantList with the contract fields and each status with its reason as JSON', async () => {
    const list = await listJson(['-l', selector]);
    assert.equal(list.apiVersion, 'mimt.io/v1alpha1');
    assert.equal(list.kind, 'TenantList');
    const item = (name: string) => list.items.find((i) => i.metadata.name === name) as TenantItem;
    assert.equal(item(ready).kind, 'Tenant');
    assert.equal(item(ready).spec.namespace, ready);
    assert.equal(item(ready).spec.source, 'mimt');
    assert.equal(item(ready).spec.release, ready);
    assert.deepEqual(item(ready).status.release, { status: 'deployed', revision: 1 });
    assert.deepEqual(item(ready).status.pods, { ready: 2, total: 2, restarts: 0 });
    assert.equal(item(crashing).status.phase, 'Degraded');
    assert.equal(item(crashing).status.reason, '1 of 3 pods not ready: CrashLoopBackOff');
    assert.ok((item(crashing).status.pods?.restarts ?? 0) >= 1, 'the crash-looping pod restarts');
    assert.equal(item(starting).status.phase, 'Progressing');
    // Its pod waits for a node that does not exist, and the scheduler says so.
    assert.match(
      item(starting).status.reason ?? '',
      /^1 pods starting; pod waiting-[a-z0-9-]+ cannot be scheduled: 0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector/,
    );
    assert.equal(item(failed).status.phase, 'Failed');
    assert.equal(item(failed).status.release?.status, 'failed');
    assert.equal(item(bare).status.reason, `no Helm release "${bare}" in the namespace`);
    assert.equal(item(leaving).status.reason, 'namespace is being deleted');
  });

  it('reads a KubePlus instance as a tenant: its namespace, release and chart', async () => {
    const list = await listJson(['-l', selector, '--source', 'kubeplus']);
    assert.deepEqual(
      list.items.map((i) => i.metadata.name),
      [instance],
    );
    const item = list.items[0] as TenantItem;
    assert.equal(item.spec.kind, kubeplus.kind);
    assert.equal(item.spec.chart, 'webapp');
    assert.equal(item.spec.release, `${kubeplus.kind.toLowerCase()}-${instance}`);
    assert.deepEqual(item.status.release, { status: 'deployed', revision: 1 });
    assert.equal(item.status.phase, 'Ready');
    assert.equal(item.status.problems, undefined, 'the quoted release annotation matches');
  });

  it('prints YAML and names', async () => {
    const yaml = await ls(['-l', selector, '-o', 'yaml']);
    assert.equal(yaml.exitCode, 0, yaml.stderr);
    const doc = load(yaml.stdout) as { items: TenantItem[] };
    assert.equal(doc.items.length, 7);
    const names = await ls(['-l', selector, '--source', 'mimt', '-o', 'name']);
    assert.equal(names.stdout, [bare, crashing, failed, leaving, ready, starting].map((n) => `tenant/${n}\n`).join(''));
  });

  it('adds release, revision, policy and the reason with -o wide, and drops headers on request', async () => {
    const wide = await ls(['-l', selector, '-o', 'wide', '--no-headers']);
    assert.equal(wide.exitCode, 0, wide.stderr);
    assert.doesNotMatch(wide.stdout, /^TENANT/);
    const row = wide.stdout.split('\n').find((r) => r.startsWith(`${failed} `));
    // Profile none: POLICY says none, since nothing isolates the tenant.
    assert.match(
      row ?? '',
      /Failed\s+\d+\/\d+\s+\S+\s+\S+-failed\s+1\s+none\s+none\s+-\s+-\s+release revision 1 failed$/,
    );
    // A KubePlus instance records no mimt profile: nothing to hold its policy against.
    assert.deepEqual(rowOf(wide.stdout, instance).slice(10, 12), ['-', '-']);
  });

  it('filters by label selector and by source, and sorts the worst first', async () => {
    assert.deepEqual(
      (await listJson(['-l', `${selector},tier=gold`])).items.map((i) => i.metadata.name),
      [ready],
    );
    assert.deepEqual((await listJson(['-l', `${selector},created-by=kubeplus`, '--source', 'mimt'])).items, []);
    const byStatus = (await ls(['-l', selector, '--sort-by', 'status', '-o', 'name'])).stdout.split('\n');
    assert.deepEqual(byStatus.slice(0, 2), [`tenant/${failed}`, `tenant/${crashing}`]);
  });

  it('says when a tenant does not exist, exit 1', async () => {
    const result = await ls([`${batch}-nope`]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, new RegExp(`^error: tenant "${batch}-nope" not found\n`));
  });

  it('prints "No tenants found" on stderr and exits 0 when nothing matches', async () => {
    const result = await ls(['-l', `${selector},tier=platinum`]);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'No tenants found\n');
  });

  /** The paths `ls` read, from -v=6, and the count it reported. */
  async function requestsOf(args: string[]): Promise<{ paths: string[]; count: number }> {
    const result = await ls([...args, '-v=6']);
    assert.equal(result.exitCode, 0, result.stderr);
    const paths = [...result.stderr.matchAll(/^I GET https?:\/\/[^/]+([^?\s]*)/gm)].map((m) => m[1] as string);
    return { paths, count: Number(/I (\d+) API requests/.exec(result.stderr)?.[1]) };
  }

  it('costs nine cluster-wide lists plus one per KubePlus Kind, KubePlus versions and Warning events only when needed', async () => {
    const compositions = await kubectlJson<{ items: unknown[] }>(['get', 'resourcecompositions', '-A']);
    const { paths, count } = await requestsOf([]);
    const events = paths.includes('/api/v1/events') ? 1 : 0;
    // With KubePlus tenants, their Helm records are listed a second time, whole, for the chart versions.
    const versions = paths.filter((p) => p === '/api/v1/secrets').length - 1;
    assert.equal(count, 9 + events + versions + compositions.items.length);
    // Every list is cluster-wide: no request names a namespace, whatever the number of tenants.
    assert.deepEqual(
      paths.filter((p) => p.includes('/namespaces/')),
      [],
    );
    for (const kind of ['deployments', 'statefulsets', 'daemonsets', 'jobs']) {
      assert.ok(
        paths.some((p) => p.endsWith(`/${kind}`)),
        `${kind} listed`,
      );
    }
  });

  it('costs three requests more with -o wide, for the policy kinds the inventory lacks', async () => {
    const plain = await requestsOf([]);
    const wide = await requestsOf(['-o', 'wide']);
    const events = (r: { paths: string[] }) => (r.paths.includes('/api/v1/events') ? 1 : 0);
    assert.equal(wide.count - events(wide), plain.count - events(plain) + 3);
  });

  describe('one tenant in detail', () => {
    let nodePort = 0;

    before(async () => {
      const selectorOfChart = { 'app.kubernetes.io/name': 'webapp', 'app.kubernetes.io/instance': ready };
      const service = (name: string, type: string) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ready },
        spec: { type, selector: selectorOfChart, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      });
      await apply(JSON.stringify(service('web-nodeport', 'NodePort')));
      await apply(JSON.stringify(service('web-lb', 'LoadBalancer')));
      await apply(
        JSON.stringify({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'web', namespace: ready },
          spec: {
            tls: [{ hosts: [host], secretName: 'web-tls' }],
            rules: [host, 'plain.example.test'].map((h) => ({
              host: h,
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: `${ready}-web`, port: { number: 80 } } },
                  },
                ],
              },
            })),
          },
        }),
      );
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const event = (name: string, type: string, reason: string, message: string) => ({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ready },
        involvedObject: { kind: 'Pod', name: 'web-0', namespace: ready },
        type,
        reason,
        message,
        count: 3,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: 'e2e' },
      });
      await apply(JSON.stringify(event('e2e-warning', 'Warning', 'BackOff', 'Back-off pulling image "web:1"')));
      await apply(JSON.stringify(event('e2e-normal', 'Normal', 'Pulled', 'Image pulled')));
      const svc = await kubectlJson<{ spec: { ports: { nodePort: number }[] } }>([
        'get',
        'service',
        'web-nodeport',
        '-n',
        ready,
      ]);
      nodePort = svc.spec.ports[0]?.nodePort ?? 0;
    });

    it('describes the tenant: resources, pods, URLs, policy and Warning events, in sections', async () => {
      const result = await ls([ready]);
      assert.equal(result.exitCode, 0, result.stderr);
      const out = result.stdout;
      assert.match(out, new RegExp(`^Name:\\s+${ready}\nNamespace:\\s+${ready}\nSource:\\s+mimt\n`));
      assert.match(out, /^Status:\s+Ready$/m);
      assert.match(out, new RegExp(`^Release:\\s+${ready} \\(revision \\d+, deployed\\)$`, 'm'));
      for (const title of ['Resources:', 'Pods:', 'URLs:', 'Policy findings:', 'Events:']) {
        assert.match(out, new RegExp(`^${title}`, 'm'), title);
      }
      assert.match(out, new RegExp(`^  Deployment\\s+${ready}-web\\s+release\\s+2/2 ready`, 'm'));
      assert.match(out, /^ {2}Service\s+web-lb\s+-\s+LoadBalancer \S+ <pending> 80:\d+\/TCP$/m);
      assert.match(out, new RegExp(`^  https://${host.replace(/\./g, '\\.')}/\\s+Ingress\\s+ingress/web$`, 'm'));
      assert.match(out, /^ {2}http:\/\/plain\.example\.test\/\s+Ingress\s+ingress\/web$/m);
      assert.match(
        out,
        new RegExp(`^  http://127\\.0\\.0\\.\\d:${nodePort}\\s+NodePort\\s+service/web-nodeport\\s+node-\\d+$`, 'm'),
      );
      assert.match(out, /^ {2}<pending>\s+LoadBalancer\s+service\/web-lb$/m);
      assert.match(out, /^ {2}\S+ \(x3 over \S+\)\s+Warning\s+BackOff\s+pod\/web-0\s+Back-off pulling image "web:1"$/m);
      assert.doesNotMatch(out, /Pulled/, 'Normal events are left out');
    });

    it('adds resources, URLs, events and policy to the Tenant object with -o json', async () => {
      const doc = await detailJson([ready]);
      assert.equal(doc.kind, 'Tenant');
      assert.equal(doc.metadata.name, ready);
      assert.deepEqual(doc.status.pods, { ready: 2, total: 2, restarts: 0 });
      const pods = await kubectlJson<{ items: { metadata: { name: string }; spec: { nodeName: string } }[] }>([
        'get',
        'pods',
        '-n',
        ready,
      ]);
      const nodes = await kubectlJson<{
        items: { metadata: { name: string }; status: { addresses: { type: string; address: string }[] } }[];
      }>(['get', 'nodes']);
      const podNodes = new Set(pods.items.map((p) => p.spec.nodeName));
      const expectedNodePortUrls = nodes.items
        .filter((n) => podNodes.has(n.metadata.name))
        .flatMap((n) =>
          n.status.addresses
            .filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP')
            .map((a) => ({
              url: `http://${a.address}:${nodePort}`,
              type: 'NodePort',
              object: 'service/web-nodeport',
              nodePort,
              node: n.metadata.name,
            })),
        );
      assert.deepEqual(
        doc.status.urls.filter((u) => u.type === 'NodePort').sort((a, b) => String(a.url).localeCompare(String(b.url))),
        expectedNodePortUrls.sort((a, b) => a.url.localeCompare(b.url)),
      );
      assert.deepEqual(
        doc.status.urls.filter((u) => u.type !== 'NodePort'),
        [
          { url: `https://${host}/`, type: 'Ingress', object: 'ingress/web' },
          { url: 'http://plain.example.test/', type: 'Ingress', object: 'ingress/web' },
          { url: null, type: 'LoadBalancer', object: 'service/web-lb' },
        ],
      );
      const podResources = doc.status.resources.filter((r) => r.kind === 'Pod');
      assert.deepEqual(
        podResources.map((r) => [r.name, r.status, r.node]).sort(),
        pods.items.map((p) => [p.metadata.name, 'Running', p.spec.nodeName]).sort(),
      );
      assert.ok(
        doc.status.resources.some(
          (r) => r.kind === 'Deployment' && r.name === `${ready}-web` && r.origin === 'release',
        ),
      );
      assert.ok(
        !doc.status.resources.some((r) => r.kind === 'Secret' && r.name.startsWith('sh.helm.release')),
        'release records are the release, not its resources',
      );
      assert.deepEqual(
        doc.status.events.map((e) => [e.type, e.reason, e.object, e.message, e.count]),
        [['Warning', 'BackOff', 'pod/web-0', 'Back-off pulling image "web:1"', 3]],
      );
      // tenantNamespace records profile none: the audit says there is no isolation to speak of.
      assert.equal(doc.status.policy.profile, 'none');
    });

    it('shows a crash-looping tenant with the failing pod, and YAML and a name for one tenant', async () => {
      const result = await ls([crashing]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /^Status:\s+Degraded \(CrashLoopBackOff\)$/m);
      assert.match(result.stdout, /^Reason:\s+1 of 3 pods not ready: CrashLoopBackOff$/m);
      assert.match(result.stdout, /^ {2}crasher-\S+\s+0\/1\s+CrashLoopBackOff\s+\d+/m);
      const yaml = load((await ls([crashing, '-o', 'yaml'])).stdout) as DetailItem;
      assert.equal(yaml.status.phase, 'Degraded');
      assert.equal((await ls([crashing, '-o', 'name'])).stdout, `tenant/${crashing}\n`);
    });

    it('describes a KubePlus instance from its namespace', async () => {
      const doc = await detailJson([instance, '--source', 'kubeplus']);
      assert.equal(doc.spec.source, 'kubeplus');
      assert.equal(doc.status.phase, 'Ready');
      const release = `${kubeplus.kind.toLowerCase()}-${instance}`;
      assert.ok(
        doc.status.resources.some(
          (r) => r.kind === 'Deployment' && r.name === `${release}-web` && r.origin === 'release',
        ),
      );
      assert.equal(doc.status.policy.profile, null);
      const text = await ls([instance]);
      assert.match(text.stdout, new RegExp(`^Kind:\\s+${kubeplus.kind} \\(instance in namespace default\\)$`, 'm'));
    });

    it('sees a release upgrade: the revision goes up', async () => {
      await helmTenant(ready, { labels: { ...labels, tier: 'gold' }, set: ['greeting=hello'] });
      const doc = await waitFor('revision 2', async () => {
        const found = await detailJson([ready]);
        return found.status.release?.revision === 2 ? found : undefined;
      });
      assert.equal(doc.status.phase, 'Ready');
    });
  });

  describe('with permission to read only some namespaces', () => {
    const account = 'e2e-viewer';
    const as = `--as=system:serviceaccount:${ready}:${account}`;

    before(async () => {
      await kubectl(['create', 'serviceaccount', account, '-n', ready]);
      for (const namespace of [ready, crashing]) {
        await kubectl([
          'create',
          'rolebinding',
          account,
          '-n',
          namespace,
          '--clusterrole=view',
          `--serviceaccount=${ready}:${account}`,
        ]);
      }
    });

    it('lists the tenant of the namespace given with -n, Unknown where Helm records are unreadable, with a note', async () => {
      const result = await ls([as, '-n', ready, '-o', 'json']);
      assert.equal(result.exitCode, 0, result.stderr);
      const list = JSON.parse(result.stdout) as { items: TenantItem[] };
      assert.deepEqual(
        list.items.map((i) => i.metadata.name),
        [ready],
      );
      const item = list.items[0] as TenantItem;
      assert.equal(item.status.phase, 'Unknown');
      assert.equal(item.status.reason, 'cannot list Helm release records (Secrets): forbidden');
      assert.deepEqual(item.status.pods, { ready: 2, total: 2, restarts: 0 });
      assert.match(
        result.stderr,
        new RegExp(
          `^note: you may not list namespaces cluster-wide, so only the context's namespace and the tenants named are looked at: "${ready}"\\.`,
          'm',
        ),
      );
      assert.match(
        result.stderr,
        new RegExp(`not permitted to read, so left out: Helm release records \\(Secrets\\) in "${ready}"[;.]`, 'm'),
      );
    });

    it('describes a named tenant it may read', async () => {
      const result = await ls([as, crashing]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(result.stdout, /^Status:\s+Unknown$/m);
      assert.match(result.stdout, /^ {2}crasher-\S+\s+0\/1\s+CrashLoopBackOff/m);
      assert.match(result.stderr, /^note: you may not list namespaces cluster-wide/m);
    });

    it('finds nothing in a namespace it may not read, says why, and exits 0', async () => {
      const result = await ls([as]);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /looked at: "default" \(not readable\)\./);
      assert.match(result.stderr, /^No tenants found$/m);
    });
  });

  describe('--watch', () => {
    it('shows a new tenant within seconds of its creation and ends with exit 0 on Ctrl-C', async () => {
      const watched = `${batch}-watched`;
      const child = execa(plugin('kubectl-mimt-ls'), ['-w', '-l', `e2e-watch=${batch}`], {
        env: clusterEnv(),
        extendEnv: false,
        reject: false,
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      try {
        await waitFor(
          'the first, empty frame',
          async () => (stderr.includes('No tenants found') ? true : undefined),
          30_000,
        );
        await apply(tenantNamespace(watched, { 'e2e-watch': batch }));
        await waitFor(
          'the new tenant in a frame',
          async () => (rowOf(stdout, watched).length ? true : undefined),
          30_000,
        );
        assert.equal(rowOf(stdout, watched)[5], 'Unknown');
        await apply(releaseRecord(watched, watched, 'deployed'));
        await waitFor(
          'the release in a frame',
          async () => (stdout.split('\n\n').some((frame) => rowOf(frame, watched)[5] === 'Ready') ? true : undefined),
          30_000,
        );
        child.kill('SIGINT');
        const ended = await child;
        assert.equal(ended.exitCode, 0, stderr);
        assert.match(stdout, /^TENANT/, 'no blank line before the first table');
      } finally {
        child.kill('SIGKILL');
        await deleteNamespaces([watched]);
      }
    });
  });
});

describe('kubectl mimt ls: the POLICY column', { timeout: 600_000 }, () => {
  const name = uniqueName('lspol');
  const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });
  const policyOf = async (): Promise<string | undefined> => {
    const wide = await ls(['-o', 'wide']);
    assert.equal(wide.exitCode, 0, wide.stderr);
    const [header = '', ...rows] = wide.stdout.split('\n');
    const column = header.split(/\s{3,}/).indexOf('POLICY');
    assert.notEqual(column, -1, header);
    return rows.find((r) => r.startsWith(`${name} `))?.split(/\s{3,}/)[column];
  };

  before(async () => {
    const installed = await mimt(['install', name, '--chart', EXAMPLE_CHART]);
    assert.equal(installed.exitCode, 0, installed.stderr);
  });
  after(() => deleteNamespaces([name]));

  it('says ok for a tenant installed with its profile, and missing once a profile object is deleted', async () => {
    assert.equal(await policyOf(), 'ok');
    assert.deepEqual((await listJson()).items.find((i) => i.metadata.name === name)?.status.policy, {
      profile: 'standard',
      state: 'ok',
    });
    await kubectl(['delete', 'networkpolicy', 'mimt-same-namespace-ingress', '-n', name]);
    assert.equal(await policyOf(), 'missing');
    assert.equal((await listJson()).items.find((i) => i.metadata.name === name)?.status.policy?.state, 'missing');
    const plain = await ls([]);
    assert.doesNotMatch(plain.stdout.split('\n')[0] ?? '', /POLICY/, 'the plain table does not audit');
  });
});
