/**
 * A TEST DOUBLE of the KubePlus operator, not KubePlus itself: for one registered Kind it does what
 * KubePlus does with an instance (docs/tenancy-contract.md, shared reference kubeplus.md), so that
 * mimt's KubePlus mode can be tested on a cluster without the operator. It creates the namespace
 * named like the instance (labelled managedby=kubeplus, release annotation in literal quotes), runs
 * helm for release lower(Kind)-<instance> with the instance's spec as values, and writes
 * status.helmrelease, or status.error with Helm's message. A deleted instance loses its namespace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLUSTER_BIN, apply, clusterEnv, kubectl, kubectlJson } from './cluster.ts';
import { type KubePlusKind, kubePlusNamespace, kubePlusRelease } from './kubeplus.ts';
import { run } from './run.ts';

interface Instance {
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

export interface StandInOperator {
  stop(): Promise<void>;
}

export function startStandInOperator(kind: KubePlusKind, chart: string): StandInOperator {
  const resource = `${kind.plural}.platformapi.kubeplus`;
  const handled = new Map<string, string>();
  const work = mkdtempSync(path.join(tmpdir(), 'kubeplus-double-'));
  let running = true;

  async function reconcile(instance: Instance): Promise<void> {
    const name = instance.metadata.name;
    const release = kubePlusRelease(kind, name);
    await apply(kubePlusNamespace(name, release));
    const values = path.join(work, `${name}.json`);
    writeFileSync(values, JSON.stringify(instance.spec ?? {}));
    const helm = await run(
      path.join(CLUSTER_BIN, 'helm'),
      ['upgrade', '--install', release, chart, '-n', name, '-f', values],
      { env: clusterEnv() },
    );
    const status =
      helm.exitCode === 0
        ? { helmrelease: `${name}:${release}\nThank you for installing ${kind.chartName}.`, error: null }
        : { error: helm.stderr.trim(), helmrelease: null };
    await kubectl([
      'patch',
      resource,
      name,
      '-n',
      kind.namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ metadata: { labels: { 'created-by': 'kubeplus' } }, status }),
    ]);
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        const { items } = await kubectlJson<{ items: Instance[] }>(['get', resource, '-n', kind.namespace]);
        for (const instance of items) {
          const spec = JSON.stringify(instance.spec ?? {});
          if (handled.get(instance.metadata.name) === spec) continue;
          handled.set(instance.metadata.name, spec);
          await reconcile(instance);
        }
        const present = new Set(items.map((i) => i.metadata.name));
        for (const name of [...handled.keys()].filter((n) => !present.has(n))) {
          handled.delete(name);
          await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
        }
      } catch {
        // The next round tries again, as a controller does.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  const done = loop();
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}
