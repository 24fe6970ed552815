import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CLUSTER_BIN,
  KUBECONFIG,
  apply,
  clusterEnv,
  helm,
  kubectl,
  kubectlJson,
  uniqueName,
  waitFor,
} from '../support/cluster.ts';
import { ROOT, run } from '../support/run.ts';

interface Pod {
  metadata: { name: string };
  spec: { nodeName?: string };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

const isReady = (pod: Pod) => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function readyPods(namespace: string, selector: string, count: number): Promise<Pod[]> {
  return waitFor(`${count} ready pods (${selector}) in ${namespace}`, async () => {
    const pods = (await kubectlJson<{ items: Pod[] }>(['get', 'pods', '-n', namespace, '-l', selector])).items;
    return pods.length === count && pods.every((p) => p.status.phase === 'Running' && isReady(p)) ? pods : undefined;
  });
}

function deployment(namespace: string, name: string, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: {
          containers: [
            { name: 'main', image: 'example/app:1', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
          ],
        },
      },
    },
  });
}

describe('the local control plane', () => {
  const namespaces: string[] = [];
  const namespace = async (prefix: string) => {
    const name = uniqueName(prefix);
    namespaces.push(name);
    await kubectl(['create', 'namespace', name]);
    return name;
  };
  after(async () => {
    for (const ns of namespaces) await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  });

  it('reports the Kubernetes release it was built from, server and client', async () => {
    const version = await kubectlJson<{ clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } }>(
      ['version'],
    );
    assert.match(version.serverVersion.gitVersion, /^v1\.36\.\d+$/);
    assert.equal(version.clientVersion.gitVersion, version.serverVersion.gitVersion);
  });

  it('has at least three ready KWOK nodes and RBAC on', async () => {
    const nodes = await kubectlJson<{ items: { status: { conditions: { type: string; status: string }[] } }[] }>([
      'get',
      'nodes',
    ]);
    const ready = nodes.items.filter((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    assert.ok(ready.length >= 3, `ready nodes: ${ready.length}`);
    const denied = await run(
      path.join(CLUSTER_BIN, 'kubectl'),
      ['auth', 'can-i', 'list', 'secrets', '--as', 'nobody'],
      {
        env: clusterEnv(),
      },
    );
    assert.equal(denied.stdout.trim(), 'no');
  });

  it('runs a Deployment to Running and Ready pods on KWOK nodes', async () => {
    const ns = await namespace('cp-deploy');
    await apply(deployment(ns, 'web'));
    const pods = await readyPods(ns, 'app=web', 2);
    const nodes = (await kubectlJson<{ items: { metadata: { name: string } }[] }>(['get', 'nodes'])).items.map(
      (n) => n.metadata.name,
    );
    for (const pod of pods)
      assert.ok(nodes.includes(pod.spec.nodeName ?? ''), `${pod.metadata.name} runs on a known node`);
  });

  it('computes ResourceQuota usage and enforces quota admission', async () => {
    const ns = await namespace('cp-quota');
    await apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'q', namespace: ns },
        spec: { hard: { pods: '1', 'requests.cpu': '1' } },
      }),
    );
    await apply(deployment(ns, 'quota-web'));
    const used = await waitFor('quota status.used', async () => {
      const quota = await kubectlJson<{ status?: { used?: Record<string, string> } }>([
        'get',
        'resourcequota',
        'q',
        '-n',
        ns,
      ]);
      return quota.status?.used?.pods === '1' ? quota.status.used : undefined;
    });
    assert.equal(used['requests.cpu'], '100m');
    const events = await waitFor('a quota rejection event', async () => {
      const text = (await kubectl(['get', 'events', '-n', ns, '--field-selector', 'reason=FailedCreate'])).stdout;
      return /exceeded quota/.test(text) ? text : undefined;
    });
    assert.match(events, /exceeded quota: q/);
  });

  it('finishes a namespace deletion', async () => {
    const ns = uniqueName('cp-delete');
    await kubectl(['create', 'namespace', ns]);
    await apply(deployment(ns, 'doomed'));
    await readyPods(ns, 'app=doomed', 2);
    await kubectl(['delete', 'namespace', ns, '--timeout=120s']);
    const gone = await run(path.join(CLUSTER_BIN, 'kubectl'), ['get', 'namespace', ns], { env: clusterEnv() });
    assert.equal(gone.exitCode, 1);
    assert.match(gone.stderr, /not found/);
  });

  it('serves pod metrics from KWOK usage annotations through metrics.k8s.io', { timeout: 240_000 }, async () => {
    const ns = await namespace('cp-metrics');
    await apply(deployment(ns, 'busy', { 'kwok.x-k8s.io/usage-cpu': '150m', 'kwok.x-k8s.io/usage-memory': '96Mi' }));
    await readyPods(ns, 'app=busy', 2);
    const metrics = await waitFor(
      'pod metrics',
      async () => {
        const result = await kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods`]);
        const list = JSON.parse(result.stdout) as {
          items: { containers: { usage: { cpu: string; memory: string } }[] }[];
        };
        return list.items.length === 2 ? list.items : undefined;
      },
      180_000,
    );
    for (const pod of metrics) {
      const usage = pod.containers[0]?.usage;
      // metrics-server reports CPU as a rate between two scrapes, so it lands near, not on, 150m.
      const match = /^(\d+)(n|u|m)?$/.exec(usage?.cpu ?? '');
      const divisor: Record<string, number> = { n: 1e9, u: 1e6, m: 1e3, '': 1 };
      const cores = Number(match?.[1]) / (divisor[match?.[2] ?? ''] ?? Number.NaN);
      assert.ok(Math.abs(cores - 0.15) < 0.003, `cpu ${usage?.cpu} is 150m within 2%`);
      assert.equal(usage?.memory, '96Mi');
    }
  });

  it('streams lines appended to a KWOK pod log file with kubectl logs -f', { timeout: 120_000 }, async () => {
    const ns = await namespace('cp-logs');
    await apply(deployment(ns, 'talker'));
    const [pod] = await readyPods(ns, 'app=talker', 2);
    const logFile = path.join(mkdtempSync(path.join(tmpdir(), 'mimt-logs-')), 'main.log');
    const line = (text: string) => `${new Date().toISOString()} stdout F ${text}\n`;
    writeFileSync(logFile, line('first line'));
    await apply(
      JSON.stringify({
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'Logs',
        metadata: { name: pod?.metadata.name, namespace: ns },
        spec: { logs: [{ containers: ['main'], logsFile: logFile, follow: true }] },
      }),
    );
    await waitFor('the first log line', async () => {
      const out = await kubectl(['logs', '-n', ns, pod?.metadata.name ?? '', '-c', 'main']);
      return out.stdout.includes('first line') ? true : undefined;
    });
    const follower = spawn(
      path.join(CLUSTER_BIN, 'kubectl'),
      ['logs', '-f', '-n', ns, pod?.metadata.name ?? '', '-c', 'main'],
      {
        env: { ...clusterEnv(), KUBECONFIG },
      },
    );
    let seen = '';
    follower.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    try {
      await waitFor('the follower to print the first line', async () =>
        seen.includes('first line') ? true : undefined,
      );
      appendFileSync(logFile, line('appended later'));
      await waitFor(
        'the appended line to stream',
        async () => (seen.includes('appended later') ? true : undefined),
        30_000,
      );
    } finally {
      follower.kill();
    }
  });

  it('installs a chart made by helm create and runs its pods', { timeout: 240_000 }, async () => {
    const ns = await namespace('cp-helm');
    const dir = mkdtempSync(path.join(tmpdir(), 'mimt-chart-'));
    await helm(['create', path.join(dir, 'demo')]);
    await helm(['install', 'demo', path.join(dir, 'demo'), '-n', ns, '--wait', '--timeout', '3m']);
    await readyPods(ns, 'app.kubernetes.io/instance=demo', 1);
    const status = JSON.parse((await helm(['status', 'demo', '-n', ns, '-o', 'json'])).stdout) as {
      info: { status: string };
    };
    assert.equal(status.info.status, 'deployed');
  });

  it('runs kubectl mimt ls --help through kubectl plugin discovery', async () => {
    const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['mimt', 'ls', '--help'], {
      env: clusterEnv({}, [path.join(ROOT, 'dist', 'bin')]),
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /Usage:\n\s*kubectl mimt ls/);
  });
});
