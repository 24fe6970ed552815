import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KUBECONFIG, apply, clusterEnv, kubectl, kubectlJson, uniqueName, waitFor } from '../support/cluster.ts';
import { plugin, run, runTracingModules } from '../support/run.ts';
import { deleteNamespaces, tenantNamespace } from '../support/tenants.ts';

const logsDir = mkdtempSync(path.join(tmpdir(), 'mimt-e2e-logs-'));

/** A KWOK log file line (CRI format). */
const cri = (timestamp: string, message: string): string => `${timestamp} stdout F ${message}\n`;

/** RFC 3339 with nanoseconds, as the kubelet writes it, `offsetMs` from the start of the test run. */
const started = Date.now();
const at = (offsetMs: number): string => new Date(started + offsetMs).toISOString().replace(/Z$/, '000000Z');

interface PodSpec {
  containers: Record<string, string>;
  init?: Record<string, string>;
  previous?: Record<string, string>;
  labels?: Record<string, string>;
}

function logFile(namespace: string, pod: string, container: string, content: string, kind = 'log'): string {
  const file = path.join(logsDir, `${namespace}.${pod}.${container}.${kind}`);
  writeFileSync(file, content);
  return file;
}

/** A pod whose containers KWOK serves logs for from files with the given contents; the Logs object first. */
async function podWithLogs(namespace: string, name: string, spec: PodSpec): Promise<void> {
  const all = { ...spec.init, ...spec.containers };
  const logs = Object.entries(all).map(([container, content]) => ({
    containers: [container],
    logsFile: logFile(namespace, name, container, content),
    previousLogsFile:
      spec.previous?.[container] === undefined
        ? undefined
        : logFile(namespace, name, container, spec.previous[container] as string, 'previous'),
    follow: true,
  }));
  await apply(
    JSON.stringify({
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'Logs',
      metadata: { name, namespace },
      spec: { logs },
    }),
  );
  await apply(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: spec.labels ?? {} },
      spec: {
        initContainers: Object.keys(spec.init ?? {}).map((c) => ({ name: c, image: 'example/init:1' })),
        containers: Object.keys(spec.containers).map((c) => ({ name: c, image: 'example/app:1' })),
      },
    }),
  );
}

/** Waits until KWOK serves the first line of every container of the pod. */
async function served(namespace: string, name: string, spec: PodSpec): Promise<void> {
  for (const [container, content] of Object.entries({ ...spec.init, ...spec.containers })) {
    const first = content.split('\n')[0]?.split(' F ')[1] ?? '';
    await waitFor(`${namespace}/${name}/${container} to serve its log`, async () => {
      const out = await kubectl(['logs', '-n', namespace, name, '-c', container]);
      return out.stdout.includes(first) ? true : undefined;
    });
  }
}

const logs = (args: string[], env = clusterEnv()) =>
  run(plugin('kubectl-mimt-logs'), args, { env, timeoutMs: 120_000 });
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

/** `kubectl mimt logs` left running, its output gathered as it comes. */
class Follower {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string> = clusterEnv()) {
    this.child = spawn(plugin('kubectl-mimt-logs'), args, { env });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  async sees(what: string, where: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    await waitFor(
      `"${what}" on ${where}; so far:\n${this.stdout}\n--- stderr:\n${this.stderr}`,
      async () => (this[where].includes(what) ? true : undefined),
      90_000,
    );
  }

  /** Ctrl-C, and the exit code. */
  async interrupt(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }
}

/** A TCP relay in front of the API server whose connections the test can cut, as a network failure would. */
async function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((inbound) => {
    connections += 1;
    const outbound = net.connect(Number(target.port), target.hostname);
    for (const [a, b] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      sockets.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        sockets.delete(a);
        b.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections: () => connections,
    cutAll: () => {
      for (const socket of sockets) socket.resetAndDestroy();
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('kubectl mimt logs', { timeout: 900_000 }, () => {
  const batch = uniqueName('logs');
  const tenant = batch;
  const previous = `${batch}-prev`;
  const empty = `${batch}-empty`;
  const follow = `${batch}-follow`;
  const resume = `${batch}-resume`;
  const old = -2 * 3600_000;
  const recent = -60_000;

  const pods: Record<string, PodSpec> = {
    'web-1': {
      init: { setup: cri(at(recent - 10_000), 'setup done') },
      containers: {
        app: [
          cri(at(old), 'w1a old'),
          cri(at(recent), 'w1a r0'),
          cri(at(recent + 3000), 'w1a r3'),
          cri(at(recent + 6000), 'w1a r6'),
        ].join(''),
        sidecar: [cri(at(recent + 1000), 'w1s r1'), cri(at(recent + 4000), 'w1s r4')].join(''),
      },
      labels: { role: 'web' },
    },
    'web-2': {
      containers: {
        app: [cri(at(recent + 2000), 'w2a r2'), cri(at(recent + 5000), 'w2a r5')].join(''),
        sidecar: cri(at(recent + 2000), 'w2s r2'),
      },
      labels: { role: 'web' },
    },
    'worker-1': {
      containers: { job: [cri(at(old + 1000), 'job old'), cri(at(recent + 7000), 'job r7')].join('') },
      labels: { role: 'worker' },
    },
  };

  /** Every line of the tenant in time order; equal timestamps in pod, then container order. */
  const everything = [
    'web-1/app w1a old',
    'worker-1/job job old',
    'web-1/app w1a r0',
    'web-1/sidecar w1s r1',
    'web-2/app w2a r2',
    'web-2/sidecar w2s r2',
    'web-1/app w1a r3',
    'web-1/sidecar w1s r4',
    'web-2/app w2a r5',
    'web-1/app w1a r6',
    'worker-1/job job r7',
  ];

  before(async () => {
    for (const name of [tenant, previous, empty, follow, resume]) await apply(tenantNamespace(name));
    for (const [name, spec] of Object.entries(pods)) await podWithLogs(tenant, name, spec);
    await podWithLogs(previous, 'crash-1', {
      containers: { app: cri(at(recent), 'after the restart') },
      previous: { app: cri(at(old), 'before the crash') },
      labels: { 'crash-loop.mimt.test': 'true' },
    });
    await podWithLogs(previous, 'calm-1', { containers: { app: cri(at(recent), 'calm') } });
    for (const [name, spec] of Object.entries(pods)) await served(tenant, name, spec);
  });

  after(async () => {
    await deleteNamespaces([tenant, previous, empty, follow, resume]);
    rmSync(logsDir, { recursive: true, force: true });
  });

  it('prints every container of every pod, merged in time order', async () => {
    const result = await logs([tenant]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), everything);
  });

  it('prints log lines without loading the table renderer, which ls does load', async () => {
    // The bundle keeps each module that is imported on demand in a chunk named after it.
    const chunk = /LOADED \S+\/chunks\/render-\w+\.js/;
    const result = await runTracingModules(plugin('kubectl-mimt-logs'), [tenant], clusterEnv());
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), everything);
    assert.doesNotMatch(result.stderr, chunk);
    const listing = await runTracingModules(plugin('kubectl-mimt-ls'), [tenant], clusterEnv());
    assert.equal(listing.exitCode, 0, listing.stderr);
    assert.match(listing.stderr, chunk);
  });

  it('adds init containers with --include-init and timestamps with -t', async () => {
    const result = await logs([tenant, '--include-init', '-t', '--pod', '^web-1$', '--since', '10m']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(lines(result.stdout).slice(0, 2), [
      `web-1/setup ${at(recent - 10_000)} setup done`,
      `web-1/app ${at(recent)} w1a r0`,
    ]);
  });

  it('filters containers with -c and -E, pods with --pod and -l', async () => {
    const only = async (args: string[]) => {
      const result = await logs([tenant, ...args]);
      assert.equal(result.exitCode, 0, result.stderr);
      return lines(result.stdout);
    };
    assert.deepEqual(
      await only(['-c', '^app$']),
      everything.filter((l) => /^web-\d\/app /.test(l)),
    );
    assert.deepEqual(
      await only(['-E', 'side|job']),
      everything.filter((l) => /^web-\d\/app /.test(l)),
    );
    assert.deepEqual(await only(['--pod', '^web-2$']), [
      'web-2/app w2a r2',
      'web-2/sidecar w2s r2',
      'web-2/app w2a r5',
    ]);
    assert.deepEqual(await only(['-l', 'role=worker']), ['worker-1/job job old', 'worker-1/job job r7']);
    assert.deepEqual(await only(['--grep', 'r[0-2]$']), [
      'web-1/app w1a r0',
      'web-1/sidecar w1s r1',
      'web-2/app w2a r2',
      'web-2/sidecar w2s r2',
    ]);
  });

  it('keeps to --since and --tail', async () => {
    const since = await logs([tenant, '--since', '10m']);
    assert.equal(since.exitCode, 0, since.stderr);
    assert.deepEqual(
      lines(since.stdout),
      everything.filter((l) => !l.endsWith(' old')),
    );
    const tail = await logs([tenant, '--tail', '1']);
    assert.equal(tail.exitCode, 0, tail.stderr);
    assert.deepEqual(lines(tail.stdout), [
      'web-2/sidecar w2s r2',
      'web-1/sidecar w1s r4',
      'web-2/app w2a r5',
      'web-1/app w1a r6',
      'worker-1/job job r7',
    ]);
    const sinceTime = await logs([tenant, '--since-time', new Date(started + recent + 5000).toISOString()]);
    assert.deepEqual(lines(sinceTime.stdout), ['web-2/app w2a r5', 'web-1/app w1a r6', 'worker-1/job job r7']);
  });

  it('prints one JSON object per line with -o json, and the bare message with -o raw', async () => {
    const json = await logs([tenant, '-o', 'json', '--pod', 'worker']);
    assert.equal(json.exitCode, 0, json.stderr);
    const records = lines(json.stdout).map((l) => JSON.parse(l) as Record<string, string>);
    assert.deepEqual(records[1], {
      tenant,
      namespace: tenant,
      pod: 'worker-1',
      container: 'job',
      timestamp: at(recent + 7000),
      message: 'job r7',
    });
    const raw = await logs([tenant, '-o', 'raw', '-l', 'role=worker']);
    assert.deepEqual(lines(raw.stdout), ['job old', 'job r7']);
  });

  it("reads the previous instance's log with -p, and says which containers have none", async () => {
    await waitFor('the crash-looping pod to restart', async () => {
      const pod = await kubectlJson<{ status: { containerStatuses?: { restartCount: number }[] } }>([
        'get',
        'pod',
        'crash-1',
        '-n',
        previous,
      ]);
      return (pod.status.containerStatuses?.[0]?.restartCount ?? 0) > 0 ? true : undefined;
    });
    await served(previous, 'calm-1', { containers: { app: cri(at(recent), 'calm') } });
    const result = await logs([previous, '-p']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(lines(result.stdout), ['crash-1/app before the crash']);
    assert.match(result.stderr, /^note: no previous instance of calm-1\/app$/m);
    const current = await logs([previous]);
    assert.deepEqual(lines(current.stdout), ['calm-1/app calm', 'crash-1/app after the restart']);
  });

  it('says so when the tenant has no pods, and exits 0', async () => {
    const result = await logs([empty]);
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `No pods in tenant ${empty} (namespace ${empty})\n`);
  });

  it('reads more logs than --max-log-requests in turns, and refuses to follow them', async () => {
    // Read in turns, the logs wait in temporary files for the merge; none is left behind.
    const scratch = mkdtempSync(path.join(tmpdir(), 'mimt-e2e-scratch-'));
    try {
      const batched = await logs([tenant, '--max-log-requests', '2'], clusterEnv({ TMPDIR: scratch }));
      assert.equal(batched.exitCode, 0, batched.stderr);
      assert.deepEqual(lines(batched.stdout), everything);
      assert.match(batched.stderr, /5 logs to read, more than --max-log-requests=2: reading 2 at a time/);
      assert.deepEqual(
        readdirSync(scratch).filter((name) => name.startsWith('mimt-')),
        [],
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const followed = await logs([tenant, '-f', '--max-log-requests', '2']);
    assert.equal(followed.exitCode, 1);
    assert.equal(followed.stdout, '');
    assert.match(
      followed.stderr,
      new RegExp(
        `^error: tenant ${tenant} \\(namespace ${tenant}\\) has 5 log streams to follow, more than --max-log-requests=2\\n.*--max-log-requests=5`,
      ),
    );
  });

  it('follows: waits for pods, joins new ones, leaves deleted ones, ends on Ctrl-C with exit 0', async () => {
    // --tail 0 skips what was logged before -f started, not the log of a pod that comes later.
    const follower = new Follower([follow, '-f', '--tail', '0']);
    try {
      await follower.sees(`No pods in tenant ${follow} (namespace ${follow}) yet; waiting`, 'stderr');
      await podWithLogs(follow, 'a-1', { containers: { app: cri(at(0), 'a first') } });
      await follower.sees('+ a-1/app', 'stderr');
      await follower.sees('a-1/app a first');
      appendFileSync(path.join(logsDir, `${follow}.a-1.app.log`), cri(at(1000), 'a appended'));
      await follower.sees('a-1/app a appended');
      await podWithLogs(follow, 'b-1', { containers: { app: cri(at(2000), 'b first') } });
      await follower.sees('+ b-1/app', 'stderr');
      await follower.sees('b-1/app b first');
      await kubectl(['delete', 'pod', 'b-1', '-n', follow, '--wait=false']);
      await follower.sees('- b-1/app', 'stderr');
      assert.equal(await follower.interrupt(), 0);
      assert.deepEqual(lines(follower.stdout), ['a-1/app a first', 'a-1/app a appended', 'b-1/app b first']);
    } finally {
      follower.child.kill('SIGKILL');
    }
  });

  it('resumes a stream cut by the network without losing or repeating a line', async () => {
    const first = [
      cri('2026-01-01T00:00:01.000000000Z', 'L1'),
      cri('2026-01-01T00:00:02.000000000Z', 'L2'),
      cri('2026-01-01T00:00:02.000000000Z', 'L3'),
      cri('2026-01-01T00:00:02.000000000Z', 'L4'),
    ].join('');
    await podWithLogs(resume, 'r-1', { containers: { app: first } });
    await served(resume, 'r-1', { containers: { app: first } });
    const server = new URL(/server: (\S+)/.exec(readFileSync(KUBECONFIG, 'utf8'))?.[1] ?? '');
    const proxy = await relay(server);
    const kubeconfig = path.join(logsDir, 'via-relay.yaml');
    writeFileSync(
      kubeconfig,
      readFileSync(KUBECONFIG, 'utf8').replace(server.origin, `https://127.0.0.1:${proxy.port}`),
    );
    const follower = new Follower([resume, '-f'], clusterEnv({ KUBECONFIG: kubeconfig }));
    try {
      await follower.sees('r-1/app L4');
      const before = proxy.connections();
      proxy.cutAll();
      // Written while the connection is down: L5 shares L2–L4's timestamp, so only a count of the
      // lines seen at that timestamp tells it from the three that come again.
      appendFileSync(
        path.join(logsDir, `${resume}.r-1.app.log`),
        cri('2026-01-01T00:00:02.000000000Z', 'L5') + cri('2026-01-01T00:00:03.000000000Z', 'L6'),
      );
      await follower.sees('r-1/app L6');
      assert.ok(proxy.connections() > before, 'the follower connected again');
      assert.match(follower.stderr, /warning: r-1\/app: .*; retrying in \d+s/);
      assert.equal(await follower.interrupt(), 0);
      assert.deepEqual(
        lines(follower.stdout),
        ['L1', 'L2', 'L3', 'L4', 'L5', 'L6'].map((l) => `r-1/app ${l}`),
      );
    } finally {
      follower.child.kill('SIGKILL');
      proxy.close();
    }
  });
  it('stops quietly with exit 141 when the reader of its output goes away, as kubectl does (| head)', async () => {
    const follower = new Follower([tenant, '-f', '--pod', '^web-2$']);
    try {
      await follower.sees('web-2/sidecar w2s r2');
      follower.child.stdout?.destroy();
      appendFileSync(path.join(logsDir, `${tenant}.web-2.sidecar.log`), cri(at(30_000), 'nobody reads this'));
      assert.equal(await follower.exited, 141);
      assert.doesNotMatch(follower.stderr, /EPIPE|Error|at /);
    } finally {
      follower.child.kill('SIGKILL');
    }
  });
});
