import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { clusterEnv, helm, kubectl, uniqueName } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { EXAMPLE_CHART, chartCopy, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 600_000 });

interface Plan {
  metadata: { name: string };
  spec: { from: string | null; to: { version: string } };
  verdict: 'fails' | 'changes' | 'metadata' | 'none';
  objects: {
    kind: string;
    name: string;
    action: string;
    refused?: string;
    fields: { path: string; before?: unknown; after?: unknown }[];
  }[];
  notes: string[];
}

/** The example chart under a name of its own at `version`, with `edit` applied to its files. */
function chart(name: string, version: string, edit: (dir: string) => void = () => {}): string {
  const dir = chartCopy(EXAMPLE_CHART, name, version);
  edit(dir);
  return dir;
}

const replace = (file: string, from: RegExp, to: string) =>
  writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));

/** Each tenant's release revision and chart version, from helm list. */
async function releases(tenants: string[]): Promise<string[]> {
  return Promise.all(
    tenants.map(async (t) => {
      const [entry] = JSON.parse((await helm(['list', '-n', t, '-o', 'json'])).stdout) as {
        revision: string;
        chart: string;
      }[];
      return `${t} r${entry?.revision} ${entry?.chart}`;
    }),
  );
}

describe('kubectl mimt install --plan (upgrade plans)', { timeout: 1_200_000 }, () => {
  const chartName = uniqueName('planapp');
  const tenants = Array.from({ length: 20 }, (_, i) => `${chartName}-t${i}`);
  // Tenants 0–14 are upgraded to 0.2.0 first (a rollout that stopped part-way); 15–19 stay on 0.1.0.
  const upgraded = tenants.slice(0, 15);
  const behind = tenants.slice(15);
  let v1: string;
  let v2: string;

  before(async () => {
    v1 = chart(chartName, '0.1.0');
    v2 = chart(chartName, '0.2.0', (dir) =>
      replace(path.join(dir, 'values.yaml'), /^greeting: .*$/m, 'greeting: "Hello"'),
    );
    for (const [i, tenant] of tenants.entries()) {
      // Tenants with a greeting of their own keep it through every upgrade: the plan must too.
      const own = i % 5 === 0 ? ['--set', `greeting=own-${i}`] : [];
      const result = await mimt(['install', tenant, '--chart', v1, ...own]);
      assert.equal(result.exitCode, 0, result.stderr);
    }
    for (const tenant of upgraded) assert.equal((await kubectl(['label', 'ns', tenant, 'ring=early'])).exitCode, 0);
    const rollout = await mimt(['install', '--all', '--chart', v2, '-l', 'ring=early', '--max-parallel', '5']);
    assert.equal(rollout.exitCode, 0, rollout.stderr);
  });
  after(async () => {
    await deleteNamespaces(tenants);
    for (const dir of [v1, v2]) rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('a tenant just installed plans no change: exit 0, no false diff from defaults or server fields', async () => {
    const tenant = tenants[16] as string;
    // The chart's own default given again: Helm would run and render the same objects.
    const result = await mimt(['install', tenant, '--chart', v1, '--set', 'replicaCount=2', '--plan']);
    assert.equal(result.exitCode, 0, result.stdout);
    assert.equal(result.stdout, `tenant/${tenant}: ${chartName} 0.1.0 -> 0.1.0: no change\n`);
    const same = await mimt(['install', tenant, '--chart', v1, '--plan']);
    assert.equal(same.exitCode, 0, same.stdout);
    assert.match(
      same.stdout,
      /^ {2}note: the chart, values and policy the tenant was last installed with: install would not run Helm$/m,
    );
    const strict = await mimt(['install', tenant, '--chart', v1, '--profile', 'strict', '--plan']);
    assert.equal(strict.exitCode, 1, strict.stdout);
    assert.equal(
      strict.stdout,
      `tenant/${tenant}: ${chartName} 0.1.0 -> 0.1.0: policy changed\n  ~ policy: profile standard -> strict\n`,
    );
  });

  it('over 20 tenants, exactly the 5 still on 0.1.0 would change, keeping their own values; nothing changes', async () => {
    const before = await releases(tenants);
    const result = await mimt(['install', '--all', '--chart', v2, '--plan', '-o', 'json']);
    assert.equal(result.exitCode, 1, result.stderr);
    const plans = JSON.parse(result.stdout).items as Plan[];
    assert.deepEqual(plans.map((p) => p.metadata.name).sort(), [...tenants].sort());
    const changing = plans.filter((p) => p.verdict !== 'none').map((p) => p.metadata.name);
    assert.deepEqual(changing.sort(), [...behind].sort());
    for (const plan of plans.filter((p) => p.verdict !== 'none')) {
      assert.equal(plan.verdict, 'changes', plan.metadata.name);
      const configMap = plan.objects.find((o) => o.kind === 'ConfigMap');
      const greeting = configMap?.fields.find((f) => f.path.startsWith('data'));
      // t15 set its own greeting: only the chart label moves; the others get the new default.
      if (plan.metadata.name === `${chartName}-t15`) assert.equal(greeting, undefined);
      else assert.deepEqual(greeting?.after !== undefined, true, JSON.stringify(configMap));
      const deployment = plan.objects.find((o) => o.kind === 'Deployment');
      assert.ok(
        deployment?.fields.some((f) => f.path.includes('checksum/config')),
        `${plan.metadata.name}: the pods roll because the config changed`,
      );
    }
    assert.deepEqual(await releases(tenants), before, 'a plan changes no release');

    const text = await mimt(['install', '--all', '--chart', v2, '--plan']);
    assert.equal(text.exitCode, 1);
    assert.match(
      text.stdout,
      new RegExp(
        `^tenant/${behind[1]}: ${chartName} 0\\.1\\.0 -> 0\\.2\\.0: 2 changed, 1 with new labels or annotations only$`,
        'm',
      ),
    );
    assert.match(
      text.stdout,
      new RegExp(`^tenant/${upgraded[0]}: ${chartName} 0\\.2\\.0 -> 0\\.2\\.0: no change$`, 'm'),
    );
    assert.match(text.stdout, /^ {6}data\.GREETING: "Welcome to your own instance" -> "Hello"$/m);
    assert.match(
      text.stdout,
      /^20 tenants: 5 would change, 0 only in labels or annotations, 15 unchanged, 0 would fail$/m,
    );
  });

  it('shows objects added and removed, and predicts a refusal of the API server, exit 1', async () => {
    const tenant = tenants[17] as string;
    const v3 = chart(chartName, '0.3.0', (dir) => {
      rmSync(path.join(dir, 'templates', 'service.yaml'));
      writeFileSync(
        path.join(dir, 'templates', 'extra.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata:\n  a: "1"\n',
      );
    });
    const bad = chart(chartName, '0.4.0', (dir) =>
      replace(path.join(dir, 'values.yaml'), /^ {2}port: .*$/m, '  port: 0'),
    );
    try {
      const result = await mimt(['install', tenant, '--chart', v3, '--plan', '-o', 'json']);
      assert.equal(result.exitCode, 1, result.stderr);
      const plan = JSON.parse(result.stdout) as Plan;
      const actions = plan.objects.filter((o) => o.action !== 'change').map((o) => `${o.action} ${o.kind}/${o.name}`);
      assert.deepEqual(actions.sort(), [`add ConfigMap/${tenant}-extra`, `remove Service/${tenant}-web`].sort());

      const refused = await mimt(['install', tenant, '--chart', bad, '--plan']);
      assert.equal(refused.exitCode, 1, refused.stderr);
      assert.match(refused.stdout, /the upgrade would fail on 1 object/);
      assert.match(refused.stdout, /^ {2}! Service\/\S+: refused by the API server: .*Invalid value: 0/m);
      assert.deepEqual(await releases([tenant]), [`${tenant} r1 ${chartName}-0.1.0`]);
    } finally {
      for (const dir of [v3, bad]) rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });

  it('a suspended tenant plans no change of the replicas it holds at 0', async () => {
    const tenant = tenants[18] as string;
    assert.equal((await mimt(['suspend', tenant])).exitCode, 0);
    try {
      // Helm would run (a value given) and set the chart's 2 replicas, which suspend sets back to 0.
      const result = await mimt(['install', tenant, '--chart', v1, '--set', 'replicaCount=2', '--plan', '-o', 'json']);
      assert.equal(result.exitCode, 0, result.stdout);
      assert.match((JSON.parse(result.stdout) as Plan).notes.join('\n'), /^suspended since /);
    } finally {
      assert.equal((await mimt(['resume', tenant])).exitCode, 0);
    }
  });

  it('a field changed by hand that the chart sets: the upgrade would fail on the conflict, and the plan says so', async () => {
    const tenant = tenants[19] as string;
    const patched = await kubectl(['set', 'image', `deployment/${tenant}-web`, '-n', tenant, 'web=example/other:1']);
    assert.equal(patched.exitCode, 0, patched.stderr);
    const result = await mimt(['install', tenant, '--chart', v2, '--plan']);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stdout, /^ {2}! Deployment\/\S+: refused by the API server: .*conflict.*kubectl-set/m);
  });

  it('--plan refuses --dry-run and --kind before asking anything', async () => {
    for (const [args, message] of [
      [['install', 'x', '--chart', v1, '--plan', '--dry-run'], /--plan and --dry-run do not go together/],
      [['install', 'x', '--kind', 'WebApp', '--plan'], /--plan does not go with --kind/],
    ] as const) {
      const result = await mimt([...args]);
      assert.equal(result.exitCode, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});
