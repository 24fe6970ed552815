/**
 * What `kubectl mimt install` costs over a bare `helm install` of the same chart into a fresh
 * namespace (neither waits for the pods), and an unchanged re-install against `helm upgrade` with
 * the same chart and values. mimt does more: the namespace with the tenancy labels, a lock, the
 * policy profile (standard), and a check of what is there before it changes anything.
 */
import path from 'node:path';
import {
  type Context,
  HELM,
  ROOT,
  type Row,
  alternate,
  expect,
  kubectl,
  measured,
  plugin,
  row,
  timed,
} from '../common.ts';
import type { Fixture } from '../fixtures.ts';

const CHART = path.join(ROOT, 'examples', 'charts', 'webapp');

/** The release of `namespace` is deployed and made the chart's Deployment. */
async function checkDeployed(namespace: string, by: string): Promise<void> {
  const [records, deployments] = await Promise.all([
    kubectl(['get', 'secrets', '-n', namespace, '-l', 'owner=helm,status=deployed', '-o', 'name']),
    kubectl(['get', 'deployments', '-n', namespace, '-o', 'name']),
  ]);
  const count = (out: string) => out.split('\n').filter(Boolean).length;
  expect(
    count(records) === 1 && count(deployments) === 1,
    () => `${by} into ${namespace}: ${count(records)} deployed releases, ${count(deployments)} Deployments`,
  );
}

export async function install(ctx: Context, f: Fixture): Promise<Row[]> {
  const tag = `i${f.tenants.length}`;
  const names = { mimt: [] as string[], helm: [] as string[] };
  const mimtInstall = (name: string) => timed(plugin('install'), [name, '--chart', CHART, '-v=1']);
  const helmInstall = (name: string) => timed(HELM, ['install', name, CHART, '-n', name, '--create-namespace']);
  const helmUpgrade = (name: string) => timed(HELM, ['upgrade', name, CHART, '-n', name]);
  const next = (list: string[], letter: string): string => {
    const name = `${f.prefix}${tag}-${letter}${list.length}`;
    list.push(name);
    return name;
  };
  try {
    const fresh = await alternate(
      ctx.slowRuns,
      [() => mimtInstall(next(names.mimt, 'm')), () => helmInstall(next(names.helm, 'h'))],
      () => undefined,
    );
    for (const name of names.mimt) await checkDeployed(name, 'kubectl mimt install');
    for (const name of names.helm) await checkDeployed(name, 'helm install');
    let again = 0;
    const reinstall = await alternate(
      ctx.slowRuns,
      [
        () => mimtInstall(names.mimt[again % names.mimt.length] as string),
        () => helmUpgrade(names.helm[again++ % names.helm.length] as string),
      ],
      () => undefined,
    );
    for (const name of names.mimt) await checkDeployed(name, 'kubectl mimt install (again)');
    for (const name of names.helm) await checkDeployed(name, 'helm upgrade');
    const size = `${f.tenants.length} tenants`;
    return [
      row(size, 'install', 'wallMs', measured('kubectl mimt install T --chart webapp', fresh[0] ?? []), [
        measured('helm install T webapp -n T --create-namespace', fresh[1] ?? []),
      ]),
      row(
        size,
        're-install, unchanged',
        'wallMs',
        measured('kubectl mimt install T --chart webapp', reinstall[0] ?? []),
        [measured('helm upgrade T webapp -n T', reinstall[1] ?? [])],
      ),
    ];
  } finally {
    const all = [...names.mimt, ...names.helm];
    if (all.length) await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...all]);
  }
}
