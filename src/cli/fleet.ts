/**
 * Running one command on several clusters: which clusters (--context a,b, --all-contexts,
 * --inventory HUB), each with a context of its own, in parallel and bounded, one dead cluster
 * costing at most its timeout; then the answers merged into one result (src/views/fleet.ts).
 * See docs/fleet.md.
 */
import { parseDuration } from '../core/duration.ts';
import { MimtError, failure, usageError } from '../core/errors.ts';
import { KubeClient } from '../core/kube/client.ts';
import { kubeconfigContexts, loadKubeconfig } from '../core/kube/kubeconfig.ts';
import { matchProfiles, normalizeServer, readClusterProfiles } from '../core/fleet/inventory.ts';
import type { Document, Listing, Result, Stream } from '../output/result.ts';
import { type ClusterAnswer, mergeDocumentResults, mergeListings, mergeStreams } from '../views/fleet.ts';
import { createContext } from './context.ts';
import { type GlobalArgs, clientOptions, connectionOptions, contextsOf } from './flags.ts';
import type { Streams } from './printer.ts';
import type { CommandSpec } from './spec.ts';

/** Without --request-timeout, how long a cluster may take to answer before it counts as unreachable. */
export const FLEET_TIMEOUT_MS = 30_000;
const DEFAULT_PARALLEL = 8;

export interface Fleet {
  clusters: string[];
  /** ClusterProfiles no context reaches: said, never guessed. */
  unreached: string[];
}

/** The clusters the fleet flags name, each a kubeconfig context. */
export async function chooseClusters(args: GlobalArgs, streams: Streams): Promise<Fleet> {
  const named = contextsOf(args);
  const ways = [args.allContexts, args.inventory !== undefined, named.length > 1].filter(Boolean).length;
  if (ways > 1 || (named.length === 1 && (args.allContexts || args.inventory !== undefined))) {
    throw usageError('choose clusters one way: several --context, --all-contexts, or --inventory HUB');
  }
  const contexts = kubeconfigContexts(connectionOptions(args, undefined), streams.env);
  if (args.inventory !== undefined) {
    const hub = await KubeClient.create(
      loadKubeconfig(connectionOptions(args, args.inventory), streams.env),
      clientOptions(args),
    );
    const profiles = await readClusterProfiles(hub).catch((error: unknown) => {
      throw failure(`cannot read the cluster inventory on context "${args.inventory}": ${messageOf(error)}`, {
        hint: 'the hub needs the ClusterProfile API (multicluster.x-k8s.io/v1alpha1)',
      });
    });
    const match = matchProfiles(profiles, contexts);
    if (match.clusters.length === 0 && match.unmatched.length === 0) {
      throw failure(`the inventory on context "${args.inventory}" has no ClusterProfiles`);
    }
    return {
      clusters: [...new Set(match.clusters.map((c) => c.context))],
      unreached: match.unmatched.map((u) => `cluster profile "${u.profile}": not reached: ${u.reason}`),
    };
  }
  if (args.allContexts) {
    if (contexts.length === 0) throw failure('the kubeconfig has no contexts');
    // Two contexts to one server as one user see the same cluster: it is listed once, by the first.
    const seen = new Set<string>();
    const distinct = contexts.filter((c) => {
      const key = `${c.server === undefined ? c.name : normalizeServer(c.server)} ${c.user ?? ''}`;
      return !seen.has(key) && seen.add(key);
    });
    return { clusters: distinct.map((c) => c.name), unreached: [] };
  }
  for (const name of named) {
    if (!contexts.some((c) => c.name === name)) {
      throw usageError(
        `context "${name}" not found in kubeconfig`,
        `contexts: ${contexts.map((c) => c.name).join(', ')}`,
      );
    }
  }
  return { clusters: [...new Set(named)], unreached: [] };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** `run`, or a failure after `ms`; then `giveUp` ends what the cluster's requests still wait for. */
function withTimeout<T>(run: Promise<T>, ms: number, giveUp: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      giveUp();
      reject(failure(`no answer within ${ms / 1000}s`));
    }, ms);
  });
  run.catch(() => undefined);
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer)) as Promise<T>;
}

const failed = (result: Result): boolean =>
  (result.type === 'listing' || result.type === 'document') && (result.exitCode ?? 0) !== 0;

/**
 * Runs `spec` with `options` on every cluster and merges the answers. A cluster that fails is one
 * line on stderr (`cluster "eu-2": …`) and exit 1 unless --ignore-unreachable; a named tenant that
 * is not on a cluster is no failure there, only when it is on none.
 */
export async function runOnFleet(
  spec: CommandSpec,
  options: unknown,
  args: GlobalArgs,
  streams: Streams,
  fleet: Fleet,
): Promise<{ result: Result; close(): void }> {
  const support = spec.fleet;
  if (!support) throw usageError(`${spec.name} works on one cluster at a time: give one --context`);
  const refusal = support.refuse?.(options);
  if (refusal) throw usageError(refusal);
  const parallel = Math.max(1, support.parallel?.(options) ?? DEFAULT_PARALLEL);
  const requestTimeout = parseDuration('request-timeout', args.requestTimeout);
  const timeoutMs = support.stopOnFailure ? undefined : requestTimeout || FLEET_TIMEOUT_MS;

  const contexts: { close(): void }[] = [];
  const answers: ClusterAnswer<Result>[] = [];
  const failures: { cluster: string; error: unknown }[] = [];
  const skipped: string[] = [];
  let stopped: string | undefined;
  const queue = [...fleet.clusters];
  const worker = async (): Promise<void> => {
    for (let cluster = queue.shift(); cluster !== undefined; cluster = queue.shift()) {
      if (stopped !== undefined) {
        skipped.push(cluster);
        continue;
      }
      const context = await createContext(args, streams, cluster);
      contexts.push(context);
      try {
        const run = spec.run(options, context);
        const result = await (timeoutMs === undefined ? run : withTimeout(run, timeoutMs, context.abort));
        answers.push({ cluster, result });
        if (support.stopOnFailure && failed(result)) stopped ??= cluster;
      } catch (error) {
        failures.push({ cluster, error });
        if (support.stopOnFailure) stopped ??= cluster;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, fleet.clusters.length) }, worker));
  const order = (a: { cluster: string }, b: { cluster: string }) =>
    fleet.clusters.indexOf(a.cluster) - fleet.clusters.indexOf(b.cluster);
  answers.sort(order);
  failures.sort(order);

  const notHere = failures.filter((f) => f.error instanceof MimtError && f.error.status === 404);
  const broken = failures.filter((f) => !notHere.includes(f));
  if (answers.length === 0 && broken.length === 0 && notHere[0]) {
    const first = notHere[0].error as MimtError;
    throw failure(`${first.message} on any of the clusters (${fleet.clusters.join(', ')})`, { status: 404 });
  }
  const warnings = [
    ...fleet.unreached.map((line) => `warning: ${line}`),
    ...broken.map((f) => `error: cluster "${f.cluster}": ${messageOf(f.error)}`),
    ...skipped.map((c) => `warning: cluster "${c}": not started: the rollout stopped after cluster "${stopped}"`),
  ];
  const penalty = (broken.length || skipped.length) && !args.ignoreUnreachable ? 1 : 0;
  const close = () => {
    for (const context of contexts) context.close();
  };
  const answered = answers.filter((a): a is ClusterAnswer<Stream> => a.result.type === 'stream');
  const documents = answers.filter((a): a is ClusterAnswer<Document> => a.result.type === 'document');
  const listings = answers.filter((a): a is ClusterAnswer<Listing> => a.result.type === 'listing');
  if (
    [answered, documents, listings].filter((group) => group.length).length > 1 ||
    answers.some((a) => a.result.type === 'frames')
  ) {
    throw failure(`${spec.name} cannot merge what the clusters answered`);
  }
  if (answered.length) {
    const merged = mergeStreams(answered, warnings);
    return { result: { ...merged, exitCode: () => Math.max(merged.exitCode?.() ?? 0, penalty) }, close };
  }
  if (documents.length) {
    const merged = mergeDocumentResults(documents, warnings);
    return { result: { ...merged, exitCode: Math.max(merged.exitCode ?? 0, penalty) }, close };
  }
  const merged = mergeListings(listings, warnings);
  return { result: { ...merged, exitCode: Math.max(merged.exitCode ?? 0, penalty) }, close };
}
