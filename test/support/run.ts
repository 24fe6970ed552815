import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST_BIN = path.join(ROOT, 'dist', 'bin');
/** The Node.js the project brings (node_modules/.bin/node), which the executables' shebang finds first. */
export const NODE_BIN = path.dirname(process.execPath);

export interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A clean environment as a user's shell would have: a temporary HOME, no KUBECONFIG, our PATH. */
export function cleanEnv(extra: Record<string, string> = {}, extraPath: string[] = []): Record<string, string> {
  return {
    PATH: [...extraPath, DIST_BIN, NODE_BIN, '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    HOME: mkdtempSync(path.join(tmpdir(), 'mimt-home-')),
    LANG: 'C.UTF-8',
    ...extra,
  };
}

/** Runs an executable as a user would: no shell, its own environment, never throws on exit codes. */
export async function run(
  file: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; input?: string; cwd?: string } = {},
): Promise<Run> {
  const result = await execa(file, args, {
    env: options.env ?? cleanEnv(),
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
    input: options.input,
    cwd: options.cwd,
    stripFinalNewline: false,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export function plugin(name: string): string {
  return path.join(DIST_BIN, name);
}

/** The bundle's chunk that holds client-node (4 MB), which commands should load only when they need it. */
export function clientNodeChunk(): string {
  const folder = path.join(ROOT, 'dist', 'chunks');
  const chunk = readdirSync(folder)
    .filter((f) => f.endsWith('.js'))
    .find((f) => readFileSync(path.join(folder, f), 'utf8').includes('kubernetes-client-javascript'));
  if (!chunk) throw new Error('the bundle has no chunk with the Kubernetes client');
  return chunk;
}

/** The bundle's chunk that holds Graphviz's WebAssembly build, which only -o svg should load. */
export function graphvizChunk(): string {
  const folder = path.join(ROOT, 'dist', 'chunks');
  const chunk = readdirSync(folder)
    .filter((f) => f.endsWith('.js'))
    .find((f) => readFileSync(path.join(folder, f), 'utf8').includes('Graphviz could not draw'));
  if (!chunk) throw new Error('the bundle has no chunk with Graphviz');
  return chunk;
}

/** Runs an executable under Node.js with a hook that writes `LOADED <url>` to stderr for each module. */
export function runTracingModules(
  file: string,
  args: string[],
  env?: Record<string, string>,
  input?: string,
): Promise<Run> {
  const hook = `data:text/javascript,${encodeURIComponent(
    'import { registerHooks } from "node:module"; registerHooks({ load(url, context, next) { process.stderr.write("LOADED " + url + "\\n"); return next(url, context); } });',
  )}`;
  return run(process.execPath, ['--import', hook, file, ...args], { env, input });
}
