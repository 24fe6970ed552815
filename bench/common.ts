/**
 * What the scenarios share: the cluster connection, timing under /usr/bin/time -v, request counting
 * from kubectl's -v=6 log, alternating runs, statistics, and the shape of a scenario's result.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, '.cluster', 'bin');
export const KUBECTL = path.join(BIN, 'kubectl');
export const HELM = path.join(BIN, 'helm');
export const STERN = path.join(BIN, 'stern');
let dist = path.join(ROOT, 'dist');
/**
 * The bench runs a copy of dist/ taken at its start: a build during the run (another terminal,
 * another user of the checkout) would otherwise swap the executables under the measurements.
 */
export function useCopyOfDist(dir: string): void {
  cpSync(dist, dir, { recursive: true });
  dist = dir;
}
export const plugin = (command: string): string => path.join(dist, 'bin', `kubectl-mimt-${command}`);
export const env = {
  ...process.env,
  KUBECONFIG: process.env.KUBECONFIG ?? path.join(ROOT, '.cluster', 'kubeconfig'),
  PATH: [BIN, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
};
export const BENCH_LABEL = 'mimt-bench';

export function log(line: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Ctrl-C stops the measuring, not the clean-up. The handler stays: execa's exit hook re-raises a
 * signal that no other listener is left to take, which would end the process before its clean-up.
 */
const interrupt = new AbortController();
export const stopped = interrupt.signal;
process.on('SIGINT', () => {
  if (!stopped.aborted) log('interrupted: cleaning up (Ctrl-C again does not stop that)');
  interrupt.abort();
});

/** What a scenario found wrong with what it measures: the run stops instead of recording. */
export class Mismatch extends Error {}

export function expect(condition: boolean, what: () => string): void {
  if (!condition) throw new Mismatch(what());
}

export async function kubectl(args: string[], input?: string): Promise<string> {
  return (await execa(KUBECTL, args, { env, maxBuffer: 1e9, ...(input === undefined ? {} : { input }) })).stdout;
}

export interface Sample {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  /** mimt's own count (-v=1). */
  requests?: number;
  stdout: string;
}

/**
 * Runs a command under /usr/bin/time -v: wall time measured here, CPU time (user + system) and peak
 * RSS from time's report. With `outputFile`, stdout goes there instead of into memory; `exitCodes`
 * are those that mean success (policy audit exits 3 when it finds something high).
 */
export async function timed(
  file: string,
  args: string[],
  { outputFile, exitCodes = [0] }: { outputFile?: string; exitCodes?: number[] } = {},
): Promise<Sample> {
  const started = process.hrtime.bigint();
  const result = await execa('/usr/bin/time', ['-v', file, ...args], {
    env,
    reject: false,
    maxBuffer: 1e9,
    ...(outputFile === undefined ? {} : { stdout: { file: outputFile } }),
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (!exitCodes.includes(result.exitCode ?? -1))
    throw new Error(`${path.basename(file)} ${args.join(' ')}: ${result.stderr.slice(-500)}`);
  return { wallMs, ...timeReport(result.stderr), stdout: typeof result.stdout === 'string' ? result.stdout : '' };
}

/** CPU, peak RSS and mimt's request count from the stderr of `/usr/bin/time -v` around a command. */
export function timeReport(stderr: string): Omit<Sample, 'wallMs' | 'stdout'> {
  const seconds = (label: string) => Number(new RegExp(`${label} time \\(seconds\\): ([\\d.]+)`).exec(stderr)?.[1]);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
  const requests = /I (\d+) API requests/.exec(stderr)?.[1];
  return {
    cpuMs: (seconds('User') + seconds('System')) * 1000,
    peakRssMb: rssKb / 1024,
    ...(requests ? { requests: Number(requests) } : {}),
  };
}

/** Several commands that together fetch what one mimt command does: times and CPU add up, memory peaks. */
export async function timedAll(
  calls: readonly (readonly string[])[],
  file = KUBECTL,
): Promise<Sample & { outputs: string[] }> {
  const samples: Sample[] = [];
  for (const args of calls) {
    stopped.throwIfAborted();
    samples.push(await timed(file, [...args]));
  }
  return {
    wallMs: samples.reduce((sum, s) => sum + s.wallMs, 0),
    cpuMs: samples.reduce((sum, s) => sum + s.cpuMs, 0),
    peakRssMb: Math.max(...samples.map((s) => s.peakRssMb)),
    stdout: '',
    outputs: samples.map((s) => s.stdout),
  };
}

const REQUEST_LINE = /round_trippers.go.*"Response" verb="[A-Z]+"|(GET|POST|PUT|PATCH|DELETE) https:\/\//;

/** How many requests a kubectl (or helm, stern) call sends: its -v=6 log, outside the timed runs. */
export async function requestsOf(args: readonly string[], file = KUBECTL): Promise<number> {
  const result = await execa(file, [...args, '-v=6'], { env, maxBuffer: 1e9 });
  return result.stderr.split('\n').filter((line) => REQUEST_LINE.test(line)).length;
}

/**
 * Runs each command `runs` times, alternately, the order turning by one each round so that none is
 * always first after the other's cache warm-up. `check` sees every sample before it is kept.
 */
export async function alternate<T extends Sample>(
  runs: number,
  commands: readonly (() => Promise<T>)[],
  check: (index: number, sample: T) => void,
): Promise<T[][]> {
  const samples: T[][] = commands.map(() => []);
  for (let i = 0; i < runs; i += 1) {
    for (let k = 0; k < commands.length; k += 1) {
      stopped.throwIfAborted();
      const c = (i + k) % commands.length;
      const sample = await (commands[c] as () => Promise<T>)();
      check(c, sample);
      samples[c]?.push(sample);
    }
  }
  return samples;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { median: round(median), min: round(sorted[0] as number), max: round(sorted.at(-1) as number) };
}

/** One command's figures over its runs. */
export interface Measured {
  command: string;
  wallMs: Stats;
  cpuMs?: Stats;
  peakRssMb?: Stats;
  requests?: number;
  processes?: number;
  linesPerSecond?: Stats;
  firstLineMs?: Stats;
}

export type Basis = 'wallMs' | 'cpuMs' | 'linesPerSecond' | 'firstLineMs';

/** A measured case: mimt and its peers on the same input. */
export interface Row {
  size: string;
  case: string;
  mimt: Measured;
  peers: Measured[];
  /** What the ratios compare. */
  basis: Basis;
  /** Per peer: how many times better mimt is on `basis` (> 1: better, < 1: worse). */
  ratios: number[];
}

export interface ScenarioResult {
  name: string;
  title: string;
  /** What the reader must know to read the table right. */
  notes: string[];
  rows: Row[];
}

export function measured(command: string, samples: Sample[], extra: Partial<Measured> = {}): Measured {
  const requests = samples.map((s) => s.requests).filter((n): n is number => n !== undefined);
  return {
    command,
    wallMs: stats(samples.map((s) => s.wallMs)),
    cpuMs: stats(samples.map((s) => s.cpuMs)),
    peakRssMb: stats(samples.map((s) => s.peakRssMb)),
    ...(requests.length ? { requests: Math.max(...requests) } : {}),
    ...extra,
  };
}

/**
 * The figures of kubectl calls made one after another, as one peer: their requests counted once more
 * with -v=6, outside the timed runs.
 */
export async function measuredCalls(calls: readonly (readonly string[])[], samples: Sample[]): Promise<Measured> {
  let requests = 0;
  for (const args of calls) requests += await requestsOf(args);
  const label = calls.map((args, i) => `${i === 0 ? 'kubectl ' : ''}${args.join(' ')}`).join(' · ');
  return measured(label, samples, { requests, processes: calls.length });
}

/** A row whose ratios are the peers' median over mimt's (the inverse for rates). */
export function row(size: string, name: string, basis: Basis, mimt: Measured, peers: Measured[]): Row {
  const median = (m: Measured) => m[basis]?.median ?? Number.NaN;
  const ratios = peers.map((p) =>
    round4(basis === 'linesPerSecond' ? median(mimt) / median(p) : median(p) / median(mimt)),
  );
  return { size, case: name, mimt, peers, basis, ratios };
}

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/** What every scenario gets from the harness. */
export interface Context {
  runs: number;
  /** Runs of the scenarios that take seconds per run (logs, install, the KubePlus re-enactment). */
  slowRuns: number;
}
