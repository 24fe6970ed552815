import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Basis, Measured, Row, ScenarioResult } from '../../bench/common.ts';
import { checkGoals } from '../../bench/goals.ts';

const stats = (median: number) => ({ median, min: median, max: median });
const m = (command: string, extra: Partial<Measured> = {}): Measured => ({ command, wallMs: stats(1), ...extra });

/** `ratios` as the bench records them: the peer's median over mimt's (> 1: mimt better). */
const r = (size: string, name: string, basis: Basis, mimt: Measured, peers: Measured[], ratios: number[]): Row => ({
  size,
  case: name,
  mimt,
  peers,
  basis,
  ratios,
});
const scenario = (name: string, rows: Row[]): ScenarioResult => ({ name, title: name, notes: [], rows });

const kubectlVersion = m('kubectl version --client');
const sameLs = m('kubectl get namespaces · get pods -A · get secrets -A -l owner=helm · get resourcequotas -A');
const top = m('kubectl top pods -A');
const sameMetrics = m('kubectl top pods -A · get pods -A -o json · get resourcequotas -A -o json');

const RUN: ScenarioResult[] = [
  scenario('startup', [
    // mimt 150 ms of CPU, kubectl 120: 1.25× — met; the standalone's 200 against 100 is not.
    r('–', '`ls --help`, npm install (Node.js)', 'cpuMs', m('kubectl-mimt-ls --help'), [kubectlVersion], [0.8]),
    r('–', '`ls --help`, standalone executable', 'cpuMs', m('kubectl-mimt ls --help'), [kubectlVersion], [0.5]),
  ]),
  scenario('logs', [
    r('1 pod × 10000 lines', 'not followed', 'wallMs', m('kubectl mimt logs T'), [m('kubectl logs -l app=web')], [4]),
    r(
      '1 pod × 10000 lines',
      'followed (-f)',
      'firstLineMs',
      m('kubectl mimt logs T -f'),
      [m('kubectl logs -l app=web --prefix -f'), m('stern -n T . -f')],
      [1.25, 0.5],
    ),
    r(
      '100 pods × 10000 lines',
      'followed (-f)',
      'firstLineMs',
      m('kubectl mimt logs T -f'),
      [m('kubectl logs -l app=web --prefix -f')],
      [0.8],
    ),
  ]),
  scenario('ls', [
    r('10 tenants', '`ls -o json`', 'wallMs', m('kubectl mimt ls -o json', { peakRssMb: stats(70) }), [sameLs], [2]),
    r('1000 tenants', '`ls -o json`', 'wallMs', m('kubectl mimt ls -o json', { peakRssMb: stats(110) }), [sameLs], [2]),
    r('10000 tenants', '`ls`', 'wallMs', m('kubectl mimt ls', { requests: 17, peakRssMb: stats(290) }), [sameLs], [3]),
    r(
      '10000 tenants',
      '`ls -o json`',
      'wallMs',
      m('kubectl mimt ls -o json', { peakRssMb: stats(469.6) }),
      [sameLs],
      [2],
    ),
  ]),
  scenario('install', [
    r('100 tenants', 'install', 'wallMs', m('kubectl mimt install T'), [m('helm install T webapp')], [0.5]),
    r('1000 tenants', 'install', 'wallMs', m('kubectl mimt install T'), [m('helm install T webapp')], [0.8]),
  ]),
  scenario('metrics', [
    r('1000 tenants', '`metrics -A`', 'wallMs', m('kubectl mimt metrics -A'), [top, sameMetrics], [0.25, 1.6]),
  ]),
];

const byGoal = new Map(checkGoals(RUN).map((g) => [g.goal, g]));
const verdict = (start: string) => {
  const found = [...byGoal.values()].filter((g) => g.goal.startsWith(start));
  assert.equal(found.length, 1, `one goal starts with ${start}`);
  const [g] = found;
  return { measured: g?.measured, met: g?.met };
};

describe('bench goals', () => {
  it('reads start-up as mimt CPU over kubectl version CPU, each build on its own', () => {
    assert.deepEqual(verdict('`ls --help` CPU, npm'), { measured: '1.25×', met: true });
    assert.deepEqual(verdict('`ls --help` CPU, standalone'), { measured: '2.00×', met: false });
  });

  it('compares the first log line with kubectl, not stern, and says which pod counts were not measured', () => {
    assert.deepEqual(verdict('`logs -f` time to first line, 1 pod,'), { measured: '0.80×', met: true });
    assert.deepEqual(verdict('`logs -f` time to first line, 10 pods'), { measured: '', met: undefined });
    assert.deepEqual(verdict('`logs -f` time to first line, 100 pods'), { measured: '1.25×', met: false });
  });

  it('holds metrics to the same-data calls and to top alone separately', () => {
    assert.deepEqual(verdict('`metrics -A` at 1000 tenants, against the kubectl'), { measured: '0.63×', met: true });
    assert.deepEqual(verdict('`metrics -A` at 1000 tenants, against `kubectl top'), { measured: '4.00×', met: false });
  });

  it('takes install at the largest size', () => {
    assert.deepEqual(verdict('`install` at 1000 tenants'), { measured: '1.25×', met: true });
  });

  it('checks ls at ten thousand tenants: requests, speed and peak memory', () => {
    assert.deepEqual(verdict('`ls` at 10,000 tenants: requests'), { measured: '17', met: false });
    assert.deepEqual(verdict('`ls` at 10,000 tenants, against'), { measured: '0.33×', met: true });
    assert.deepEqual(verdict('`ls` at 10,000 tenants: peak RSS'), { measured: '290 MB', met: true });
  });

  it('measures memory growth from the smallest size to the largest', () => {
    // (469.6 − 70) MB over 9990 tenants: 40 MB per 1000.
    assert.deepEqual(verdict('`ls -o json`: peak RSS growth'), {
      measured: '40 MB (70 MB at 10 tenants → 470 MB at 10000 tenants)',
      met: false,
    });
  });

  it('says not measured for a run that stopped short of ten thousand tenants', () => {
    const short = RUN.map((s) =>
      s.name === 'ls' ? { ...s, rows: s.rows.filter((row) => !row.size.startsWith('10000')) } : s,
    );
    const checks = new Map(checkGoals(short).map((g) => [g.goal, g.met]));
    assert.equal(checks.get('`ls` at 10,000 tenants: requests'), undefined);
    assert.equal(checks.get('`ls` at 10,000 tenants: peak RSS'), undefined);
    assert.equal(checks.get('`ls -o json`: peak RSS growth per 1000 tenants'), false, '40 MB from 10 to 1000');
  });
});
