import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import path from 'node:path';
import { execa } from 'execa';
import { CLUSTER_BIN, apply, clusterEnv, kubectl, uniqueName, waitFor } from '../support/cluster.ts';
import { plugin, run } from '../support/run.ts';
import { OPERATOR_CHART, SHOP_CHART, deleteNamespaces } from '../support/tenants.ts';

const mimt = (args: string[]) => run(plugin('kubectl-mimt'), args, { env: clusterEnv(), timeoutMs: 300_000 });

interface Resource {
  kind: string;
  name: string;
  origin: string;
  status: string;
  scope?: string;
  part?: string;
}

interface TenantItem {
  metadata: { name: string };
  status: { phase: string; reason?: string; pods: { ready: number; total: number; restarts: number } | null };
}

async function namespaceGone(name: string): Promise<boolean> {
  const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['get', 'namespace', name], { env: clusterEnv() });
  return result.exitCode === 1 && /not found/.test(result.stderr);
}

async function tenantJson(name: string): Promise<TenantItem> {
  const result = await mimt(['ls', '-o', 'json']);
  assert.equal(result.exitCode, 0, result.stderr);
  const found = (JSON.parse(result.stdout).items as TenantItem[]).find((t) => t.metadata.name === name);
  assert.ok(found, `tenant ${name} listed`);
  return found;
}

describe('tenants made from charts shaped like public ones', { timeout: 900_000 }, () => {
  const created: string[] = [];
  const tenant = (prefix: string) => {
    const name = uniqueName(prefix);
    created.push(name);
    return name;
  };
  /** The shop without its StatefulSet, whose claim no provisioner on this cluster ever binds. */
  const quick = ['--chart', SHOP_CHART, '--set', 'store.enabled=false'];
  /** Cluster-scoped objects the tests' releases made: deleting a namespace leaves them. */
  const clusterObjects: string[] = [];
  after(async () => {
    await deleteNamespaces(created);
    for (const object of clusterObjects) await kubectl(['delete', object, '--ignore-not-found', '--wait=false']);
  });

  /**
   * A tenant whose running pods the API server rejects once they are made again: installed under
   * standard (Pod Security baseline), then its namespace enforces restricted, as when an admin
   * tightens the policy, and its pods are deleted. The pre-flight keeps such a chart from being
   * installed under strict in the first place.
   */
  async function rejectedTenant(prefix: string): Promise<string> {
    const name = tenant(prefix);
    const installed = await mimt(['install', name, ...quick, '--set', 'migrations.enabled=false']);
    assert.equal(installed.exitCode, 0, installed.stderr);
    await kubectl(['label', 'namespace', name, 'pod-security.kubernetes.io/enforce=restricted', '--overwrite']);
    await kubectl(['delete', 'pods', '--all', '-n', name, '--wait=false']);
    return name;
  }

  it('lists a tenant whose pods Pod Security rejects as Degraded, with the rejection as the reason', async () => {
    const name = await rejectedTenant('realcharts-rej');
    const listed = await waitFor('the rejection to show in ls', async () => {
      const item = await tenantJson(name);
      return item.status.phase === 'Degraded' && item.status.pods?.total === 0 ? item : undefined;
    });
    assert.deepEqual(listed.status.pods, { ready: 0, total: 0, restarts: 0 });
    assert.match(
      listed.status.reason ?? '',
      new RegExp(
        `^Deployment ${name}-shop 0/1 ready: pods are rejected by Pod Security "restricted": ` +
          `allowPrivilegeEscalation != false \\(container "app" must set securityContext.allowPrivilegeEscalation=false\\)`,
      ),
    );
    const table = await mimt(['ls']);
    const row = table.stdout.split('\n').find((line) => line.startsWith(`${name} `)) ?? '';
    assert.match(row, /\sDegraded \(FailedCreate\)\s+0\/0\s/);
  });

  it('audits a tenant whose own Pod Security keeps its Deployment from running: blocked-workload, high', async () => {
    const name = await rejectedTenant('realcharts-blk');
    for (const args of [[name], ['-A']]) {
      const finding = await waitFor('the blocked workload in the audit', async () => {
        const audit = await mimt(['policy', 'audit', ...args, '-o', 'json']);
        const items = (
          JSON.parse(audit.stdout) as {
            items: { tenant: string; rule: string; severity: string; object: string; message: string }[];
          }
        ).items;
        return items.find((f) => f.tenant === name && f.rule === 'blocked-workload');
      });
      assert.equal(finding.severity, 'high');
      assert.equal(finding.object, `Deployment/${name}-shop`);
      assert.match(
        finding.message,
        /^0\/1 ready: pods are rejected by Pod Security "restricted": allowPrivilegeEscalation != false/,
      );
    }
  });

  it('install --dry-run reports the pre-flight: pods asked of the API server in an existing namespace, not in a new one', async () => {
    const fresh = tenant('realcharts-dry');
    const planned = await mimt(['install', fresh, '--chart', OPERATOR_CHART, '--profile', 'strict', '--dry-run']);
    assert.equal(planned.exitCode, 1, planned.stderr);
    assert.match(planned.stdout, new RegExp(`^    pods not checked: namespace ${fresh} does not exist yet`, 'm'));
    assert.match(
      planned.stdout,
      /\n  refused, before any change:\n    the chart would give the tenant rights outside its namespace, which profile strict does not allow: /,
    );
    assert.ok(await namespaceGone(fresh));

    const name = await rejectedTenant('realcharts-dry2');
    const again = await mimt(['install', name, ...quick, '--set', 'migrations.enabled=false', '--dry-run']);
    assert.equal(again.exitCode, 1, again.stderr);
    assert.match(
      again.stdout,
      /^    pods of 2 of 2 pod templates refused by the namespace's policy \(profile standard\)$/m,
    );
    assert.match(
      again.stdout,
      new RegExp(
        `^    the chart's pods would not be admitted: pods of Deployment ${name}-shop would be rejected by Pod Security "restricted": `,
        'm',
      ),
    );
    const history = await kubectl(['get', 'secrets', '-n', name, '-l', 'owner=helm', '-o', 'name']);
    assert.equal(history.stdout.trim().split('\n').length, 1, 'still one release revision');
  });

  it('does not call a tenant Ready while its StatefulSet pod cannot be scheduled, and says why', async () => {
    const name = tenant('realcharts-pvc');
    const installed = await mimt(['install', name, '--chart', SHOP_CHART]);
    assert.equal(installed.exitCode, 0, installed.stderr);
    const listed = await waitFor('the scheduling problem to show in ls', async () => {
      const item = await tenantJson(name);
      return /cannot be scheduled/.test(item.status.reason ?? '') ? item : undefined;
    });
    assert.equal(listed.status.phase, 'Progressing');
    // The cluster has no storage provisioner: the StatefulSet's claim is never bound.
    assert.match(
      listed.status.reason ?? '',
      new RegExp(`pod ${name}-store-0 cannot be scheduled: .*unbound.*PersistentVolumeClaims`),
    );
  });

  it('refuses under strict, before Helm runs and leaving nothing, a chart whose pods Pod Security rejects, naming every violation', async () => {
    const name = tenant('realcharts-pre');
    const result = await mimt(['install', name, '--chart', SHOP_CHART, '--profile', 'strict']);
    assert.equal(result.exitCode, 1);
    assert.doesNotMatch(result.stderr, /helm upgrade --install/);
    const line = result.stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
    assert.match(
      line,
      new RegExp(
        `^error: install of tenant "${name}" failed: the chart's pods would not be admitted under profile strict: `,
      ),
    );
    for (const object of [
      `Deployment ${name}-shop`,
      `StatefulSet ${name}-store`,
      `CronJob ${name}-shop-cleanup`,
      `Job ${name}-shop-migrate`,
    ]) {
      assert.match(
        line,
        new RegExp(
          `pods of ${object} would be rejected by Pod Security "restricted": allowPrivilegeEscalation != false`,
        ),
      );
    }
    assert.match(
      line,
      /\(container "store" must set securityContext.runAsNonRoot=true\)|\(pod or container "store" must set securityContext.runAsNonRoot=true\)/,
    );
    assert.match(
      result.stderr,
      /install with --profile standard \(Pod Security "baseline", which admits pods without a securityContext\)/,
    );
    assert.match(result.stderr, /everything this run created was removed/);
    assert.ok(await namespaceGone(name), 'the namespace is removed again');
  });

  it("fails install --wait with the refusal from the objects' events, not helm's timeout alone, and leaves nothing", async () => {
    const name = tenant('realcharts-wait');
    // Each pod fits the quota alone, so the pre-flight admits them; together they do not.
    const result = await mimt([
      'install',
      name,
      ...quick.slice(0, 2),
      '--quota',
      'cpu=150m',
      '--set',
      'migrations.enabled=false',
      '--wait',
      '--timeout',
      '20s',
    ]);
    assert.equal(result.exitCode, 1);
    assert.match(
      result.stderr,
      new RegExp(
        `^error: install of tenant "${name}" failed: (Deployment ${name}-shop|StatefulSet ${name}-store) 0/1 ready: ` +
          `pods are refused by ResourceQuota mimt-quota, requested: requests.cpu=100m, used: requests.cpu=100m, limited: requests.cpu=150m ` +
          `\\(helm upgrade failed: .*\\)$`,
        'm',
      ),
    );
    assert.match(result.stderr, /everything this run created was removed/);
    assert.ok(await namespaceGone(name), 'the namespace is removed again');
  });

  it('shows alike Warning events once in ls TENANT, counted, with first and last seen', async () => {
    const name = await rejectedTenant('realcharts-ev');
    const detail = await waitFor('several refusals of the ReplicaSet', async () => {
      const result = await mimt(['ls', name, '-o', 'json']);
      const doc = JSON.parse(result.stdout) as {
        status: { events: { reason: string; object: string; count: number; firstSeen: string; lastSeen: string }[] };
      };
      const refused = doc.status.events.filter(
        (e) => e.reason === 'FailedCreate' && e.object.startsWith(`replicaset/${name}-shop-`),
      );
      return refused.length === 1 && (refused[0]?.count ?? 0) > 1 ? doc : undefined;
    });
    const refused = detail.status.events.filter((e) => e.object.startsWith('replicaset/'));
    assert.equal(refused.length, 1, "one line for the ReplicaSet's refusals");
    assert.ok(Date.parse(refused[0]?.firstSeen ?? '') <= Date.parse(refused[0]?.lastSeen ?? ''));
    const text = await mimt(['ls', name]);
    const lines = text.stdout.split('\n').filter((l) => l.includes(`replicaset/${name}-shop-`));
    assert.equal(lines.length, 1, text.stdout);
    assert.match(lines[0] ?? '', /\(x\d+ over \d+[sm]/);
  });

  it('lists every object of the release in ls TENANT: HPA, PDB, CronJob, hook, subchart, cluster-scoped RBAC and CRDs', async () => {
    const shop = tenant('realcharts-all');
    const operator = tenant('realcharts-op');
    clusterObjects.push(
      `clusterrole/${operator}-operator`,
      `clusterrolebinding/${operator}-operator`,
      'customresourcedefinition/gadgets.fixtures.mimt.test',
    );
    for (const [name, chart] of [
      [shop, SHOP_CHART],
      [operator, OPERATOR_CHART],
    ] as const) {
      const installed = await mimt(['install', name, '--chart', chart, '--allow-cluster-access']);
      assert.equal(installed.exitCode, 0, installed.stderr);
    }
    const resources = async (name: string) => {
      const result = await mimt(['ls', name, '-o', 'json']);
      assert.equal(result.exitCode, 0, result.stderr);
      const doc = JSON.parse(result.stdout) as { status: { resources: Resource[] } };
      return doc.status.resources.filter((r) => r.origin === 'release');
    };
    const pick = (list: Resource[]) => list.map((r) => [r.kind, r.name, r.scope ?? null, r.part ?? null]).sort();
    assert.deepEqual(
      pick(await resources(shop)),
      [
        ['CronJob', `${shop}-shop-cleanup`, null, null],
        ['Deployment', `${shop}-shop`, null, null],
        ['HorizontalPodAutoscaler', `${shop}-shop`, null, null],
        ['Ingress', `${shop}-shop`, null, null],
        ['Job', `${shop}-shop-migrate`, null, 'hook'],
        ['PodDisruptionBudget', `${shop}-shop`, null, null],
        ['Service', `${shop}-shop`, null, null],
        ['Service', `${shop}-store`, null, null],
        ['ServiceAccount', `${shop}-shop`, null, null],
        ['StatefulSet', `${shop}-store`, null, null],
      ].sort(),
    );
    const hpa = (await resources(shop)).find((r) => r.kind === 'HorizontalPodAutoscaler');
    assert.match(hpa?.status ?? '', /replicas \(min 1, max 3\)$/);

    const operatorResources = await resources(operator);
    assert.deepEqual(
      pick(operatorResources),
      [
        ['ClusterRole', `${operator}-operator`, 'cluster', null],
        ['ClusterRoleBinding', `${operator}-operator`, 'cluster', null],
        ['CustomResourceDefinition', 'gadgets.fixtures.mimt.test', 'cluster', 'crd'],
        ['Deployment', `${operator}-operator`, null, null],
        ['ServiceAccount', `${operator}-operator`, null, null],
      ].sort(),
    );
    assert.equal(
      operatorResources.find((r) => r.kind === 'ClusterRoleBinding')?.status,
      `ClusterRole ${operator}-operator to ServiceAccount ${operator}/${operator}-operator`,
    );
    const text = await mimt(['ls', operator]);
    assert.match(
      text.stdout,
      new RegExp(`ClusterRoleBinding\\s+${operator}-operator \\(cluster-wide\\)\\s+release\\s`),
    );
    assert.match(
      text.stdout,
      /CustomResourceDefinition\s+gadgets.fixtures.mimt.test \(cluster-wide\)\s+release \(crds\/\)\s+Established/,
    );
  });

  it('refuses, before any change, a chart granting cluster-wide Secret access: always under strict, without the flag under standard', async () => {
    const name = tenant('realcharts-cra');
    const clusterRole = () =>
      run(path.join(CLUSTER_BIN, 'kubectl'), ['get', 'clusterrole', `${name}-operator`], { env: clusterEnv() });
    for (const profile of ['strict', 'standard']) {
      const result = await mimt(['install', name, '--chart', OPERATOR_CHART, '--profile', profile]);
      assert.equal(result.exitCode, 1, result.stderr);
      assert.doesNotMatch(result.stderr, /helm upgrade --install|namespace .*: creating/);
      assert.match(
        result.stderr,
        new RegExp(
          `^pre-flight: cluster-scoped objects of the chart: CustomResourceDefinition gadgets.fixtures.mimt.test, ` +
            `ClusterRole ${name}-operator, ClusterRoleBinding ${name}-operator$`,
          'm',
        ),
      );
      const line = result.stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
      assert.equal(
        line,
        `error: install of tenant "${name}" refused: the chart would give the tenant rights outside its namespace, ` +
          `which profile ${profile} does not allow${profile === 'standard' ? ' without --allow-cluster-access' : ''}: ` +
          `ClusterRoleBinding ${name}-operator gives ServiceAccount ${name}/${name}-operator ClusterRole ${name}-operator ` +
          'in every namespace: get, list, watch secrets; get, list, watch, update gadgets.fixtures.mimt.test',
      );
      assert.ok(await namespaceGone(name), `no namespace left under ${profile}`);
      assert.match((await clusterRole()).stderr, /not found/);
    }
    // The chart's own switch for its cluster-wide RBAC is the way out the hint names.
    const without = await mimt([
      'install',
      name,
      '--chart',
      OPERATOR_CHART,
      '--profile',
      'strict',
      '--set',
      'rbac.create=false',
    ]);
    // Past the cluster check, the CRD alone is listed and the pods' pre-flight speaks: no securityContext.
    assert.match(
      without.stderr,
      /^pre-flight: cluster-scoped objects of the chart: CustomResourceDefinition gadgets.fixtures.mimt.test$/m,
    );
    assert.match(without.stderr, /the chart's pods would not be admitted under profile strict/);
  });

  it("audits a chart whose ClusterRoleBinding lets the tenant read every namespace's Secrets", async () => {
    const name = tenant('realcharts-rbac');
    clusterObjects.push(`clusterrole/${name}-operator`, `clusterrolebinding/${name}-operator`);
    const installed = await mimt(['install', name, '--chart', OPERATOR_CHART, '--allow-cluster-access']);
    assert.equal(installed.exitCode, 0, installed.stderr);
    assert.match(
      installed.stderr,
      new RegExp(
        `^pre-flight: allowed by --allow-cluster-access, the tenant gets rights outside its namespace: ` +
          `ClusterRoleBinding ${name}-operator gives ServiceAccount ${name}/${name}-operator ClusterRole ${name}-operator ` +
          'in every namespace: get, list, watch secrets; get, list, watch, update gadgets.fixtures.mimt.test$',
        'm',
      ),
    );
    // What the finding is about: the API server lets the tenant's pods read another namespace's Secrets.
    const canI = await run(
      path.join(CLUSTER_BIN, 'kubectl'),
      ['auth', 'can-i', 'list', 'secrets', '-n', 'default', `--as=system:serviceaccount:${name}:${name}-operator`],
      { env: clusterEnv() },
    );
    assert.equal(canI.stdout.trim(), 'yes');
    for (const args of [
      ['audit', name],
      ['audit', '-A'],
    ]) {
      const audit = await mimt(['policy', ...args, '-o', 'json']);
      assert.equal(audit.exitCode, 3, audit.stderr);
      const findings = (
        JSON.parse(audit.stdout) as { items: { tenant: string; rule: string; object: string; message: string }[] }
      ).items.filter((f) => f.tenant === name);
      assert.deepEqual(
        findings.map((f) => [f.rule, f.object, f.message]),
        [
          [
            'cluster-wide-access',
            `ClusterRoleBinding/${name}-operator`,
            `gives ServiceAccount ${name}/${name}-operator ClusterRole ${name}-operator in every namespace: ` +
              'get, list, watch secrets; get, list, watch, update gadgets.fixtures.mimt.test',
          ],
        ],
      );
    }
  });

  describe('install locks and interruptions', () => {
    const lease = (namespace: string, holder: string, renewedSecondsAgo: number) =>
      JSON.stringify({
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'mimt-install', namespace },
        spec: {
          holderIdentity: holder,
          leaseDurationSeconds: 20,
          acquireTime: new Date(Date.now() - 60_000).toISOString().replace('Z', '000Z'),
          renewTime: new Date(Date.now() - renewedSecondsAgo * 1000).toISOString().replace('Z', '000Z'),
        },
      });

    it('takes over the lock and the pending release of an install killed with kill -9', async () => {
      const name = tenant('realcharts-kill');
      const child = execa(plugin('kubectl-mimt'), ['install', name, ...quick, '--wait', '--timeout', '120s'], {
        env: clusterEnv(),
        extendEnv: false,
        reject: false,
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await waitFor('helm to start', async () => (/helm upgrade --install/.test(stderr) ? true : undefined), 60_000);
      // As when the machine or the terminal goes: the process and its helm die without a word.
      const helmPid = (await run('/usr/bin/pgrep', ['-P', String(child.pid), 'helm'])).stdout.trim();
      for (const pid of [child.pid, ...helmPid.split('\n').filter(Boolean).map(Number)])
        process.kill(pid as number, 'SIGKILL');
      await child;

      const again = await mimt(['install', name, ...quick]);
      assert.equal(again.exitCode, 0, again.stderr);
      assert.match(
        again.stderr,
        new RegExp(`install lock: taking over from pid ${child.pid} on .*, which no longer runs`),
      );
      assert.match(again.stdout, new RegExp(`^tenant/${name} installed `));
      const leases = await kubectl(['get', 'leases', '-n', name, '-o', 'name']);
      assert.equal(leases.stdout.trim(), '', 'the lock is given back');
    });

    it('waits out a lock its holder elsewhere stopped renewing, and refuses one that is renewed, naming the holder', async () => {
      const name = tenant('realcharts-lease');
      assert.equal((await mimt(['install', name, ...quick])).exitCode, 0);
      await apply(lease(name, 'build-7.example.test/4242/0c1d2e3f', 1));
      const busy = await mimt(['install', name, ...quick, '--set', 'replicaCount=2']);
      assert.equal(busy.exitCode, 1);
      assert.match(
        busy.stderr,
        new RegExp(
          `^error: install of tenant "${name}" failed: another install of tenant "${name}" is running: pid 4242 on build-7.example.test, since `,
          'm',
        ),
      );
      assert.match(busy.stderr, /its lock frees itself within 20s and the next install takes it over/);

      await apply(lease(name, 'build-7.example.test/4242/0c1d2e3f', 14));
      const after = await mimt(['install', name, ...quick, '--set', 'replicaCount=2']);
      assert.equal(after.exitCode, 0, after.stderr);
      // The lease was renewed 14s ago when applied; how much older it is when mimt reads it depends
      // on the machine's load, but age and wait always add up to the lease's 20s.
      const waited =
        /install lock: held by pid 4242 on build-7\.example\.test, .*not renewed for (\d+)s; waiting up to (\d+)s/.exec(
          after.stderr,
        );
      assert.ok(waited, after.stderr);
      const [age, wait] = [Number(waited[1]), Number(waited[2])];
      assert.ok(age >= 14 && age < 20, `age ${age}s`);
      assert.ok(Math.abs(age + wait - 20) <= 1, `age ${age}s + wait ${wait}s`);
      assert.match(after.stdout, new RegExp(`^tenant/${name} upgraded `));
    });

    it('stops on Ctrl-C, removes what the run created and exits 130', async () => {
      const name = tenant('realcharts-int');
      const child = execa(
        plugin('kubectl-mimt'),
        // The StatefulSet's claim is never bound here: helm --wait waits until Ctrl-C.
        ['install', name, '--chart', SHOP_CHART, '--wait', '--timeout', '120s'],
        {
          env: clusterEnv(),
          extendEnv: false,
          reject: false,
        },
      );
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await waitFor('helm to start', async () => (/helm upgrade --install/.test(stderr) ? true : undefined), 60_000);
      child.kill('SIGINT');
      const result = await child;
      assert.equal(result.exitCode, 130);
      assert.match(stderr, new RegExp(`install of ${name} interrupted: undoing what this run did`));
      assert.match(stderr, new RegExp(`^error: install of tenant "${name}" interrupted \\(Ctrl-C\\)$`, 'm'));
      assert.match(stderr, /everything this run created was removed/);
      assert.ok(await namespaceGone(name), 'the namespace is removed again');
    });
  });
});
