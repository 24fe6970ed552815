import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ROOT, type Run, cleanEnv, run } from './run.ts';

/** The local control plane that `make cluster-up` started (test/cluster/up.sh). */
export const CLUSTER_DIR = path.join(ROOT, '.cluster');
export const KUBECONFIG = path.join(CLUSTER_DIR, 'kubeconfig');
export const CLUSTER_BIN = path.join(CLUSTER_DIR, 'bin');

/** A user's environment pointed at the local cluster, with its kubectl and helm on PATH. */
export function clusterEnv(extra: Record<string, string> = {}, extraPath: string[] = []): Record<string, string> {
  return cleanEnv({ KUBECONFIG, ...extra }, [...extraPath, CLUSTER_BIN]);
}

/** Tests share one cluster per run and keep apart by unique names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

async function checked(file: string, args: string[], input?: string): Promise<Run> {
  const result = await run(file, args, { env: clusterEnv(), input, timeoutMs: 180_000 });
  if (result.exitCode !== 0) {
    throw new Error(`${path.basename(file)} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
  }
  return result;
}

export function kubectl(args: string[], input?: string): Promise<Run> {
  return checked(path.join(CLUSTER_BIN, 'kubectl'), args, input);
}

export function helm(args: string[]): Promise<Run> {
  return checked(path.join(CLUSTER_BIN, 'helm'), args);
}

export async function kubectlJson<T = Record<string, unknown>>(args: string[]): Promise<T> {
  return JSON.parse((await kubectl([...args, '-o', 'json'])).stdout) as T;
}

export function apply(manifest: string): Promise<Run> {
  return kubectl(['apply', '-f', '-'], manifest);
}

/** Polls until `probe` returns a value other than undefined, or fails after `timeoutMs` saying what. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
