import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { failure, usageError } from '../errors.ts';

/** The kubectl connection flags that decide which cluster, user and namespace a command uses. */
export interface ConnectionOptions {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  token?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
}

type Entry = { name: string; [key: string]: unknown };
type Fields = Record<string, unknown>;

interface RawKubeconfig {
  clusters: Entry[];
  users: Entry[];
  contexts: Entry[];
  'current-context'?: string;
}

export interface KubeconfigFile {
  path: string;
  text: string;
}

/** One context, its cluster and user, after kubectl's merge and the flag overrides. */
export interface ResolvedKubeconfig {
  contextName: string;
  namespace: string;
  namespaceExplicit: boolean;
  server: string;
  /** A kubeconfig with just the chosen context in it, in kubeconfig's own YAML field names. */
  config: RawKubeconfig & { apiVersion: 'v1'; kind: 'Config' };
  files: string[];
}

const PATH_FIELDS: Record<'clusters' | 'users', string[]> = {
  clusters: ['certificate-authority'],
  users: ['client-certificate', 'client-key', 'tokenFile'],
};

function parseFile(file: KubeconfigFile): RawKubeconfig {
  let doc: unknown;
  try {
    doc = loadYaml(file.text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
    throw failure(`invalid kubeconfig "${file.path}": ${reason}`);
  }
  if (doc === null || doc === undefined) return { clusters: [], users: [], contexts: [] };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw failure(`invalid kubeconfig "${file.path}": expected a mapping with clusters, users and contexts`);
  }
  const raw = doc as Fields;
  const list = (key: 'clusters' | 'users' | 'contexts'): Entry[] => {
    const value = raw[key] ?? [];
    if (!Array.isArray(value) || value.some((e) => typeof e !== 'object' || e === null || typeof e.name !== 'string')) {
      throw failure(`invalid kubeconfig "${file.path}": "${key}" must be a list of entries with a name`);
    }
    return value as Entry[];
  };
  const dir = path.dirname(path.resolve(file.path));
  const resolvePaths = (key: 'clusters' | 'users', entries: Entry[]): Entry[] => {
    const inner = key === 'clusters' ? 'cluster' : 'user';
    return entries.map((entry) => {
      const fields = { ...((entry[inner] as Fields | undefined) ?? {}) };
      for (const field of PATH_FIELDS[key]) {
        const value = fields[field];
        // kubectl resolves relative file references against the kubeconfig file that holds them.
        if (typeof value === 'string' && value !== '' && !path.isAbsolute(value)) fields[field] = path.join(dir, value);
      }
      return { ...entry, [inner]: fields };
    });
  };
  const current = raw['current-context'];
  return {
    clusters: resolvePaths('clusters', list('clusters')),
    users: resolvePaths('users', list('users')),
    contexts: list('contexts'),
    'current-context': typeof current === 'string' && current !== '' ? current : undefined,
  };
}

/** kubectl's merge: the first file to define a name (or current-context) wins. */
export function mergeKubeconfigs(files: KubeconfigFile[]): RawKubeconfig {
  const merged: RawKubeconfig = { clusters: [], users: [], contexts: [] };
  for (const parsed of files.map(parseFile)) {
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      for (const entry of parsed[key]) {
        if (!merged[key].some((e) => e.name === entry.name)) merged[key].push(entry);
      }
    }
    merged['current-context'] ??= parsed['current-context'];
  }
  return merged;
}

/** Picks the context and applies the flag overrides, as kubectl's client config does. */
export function selectContext(merged: RawKubeconfig, options: ConnectionOptions, files: string[]): ResolvedKubeconfig {
  const contextName = options.context ?? merged['current-context'];
  const context = contextName === undefined ? undefined : merged.contexts.find((c) => c.name === contextName);
  if (contextName !== undefined && !context && !options.server) {
    const known = merged.contexts.map((c) => c.name).join(', ') || 'none';
    throw failure(`context "${contextName}" not found in kubeconfig`, { hint: `contexts: ${known}` });
  }
  if (contextName === undefined && !options.server) {
    const where = files.length ? files.join(', ') : 'no kubeconfig file found';
    throw failure(`no current context in kubeconfig (${where})`, {
      hint: 'pass --context, --server, or set current-context with kubectl config use-context',
    });
  }
  const contextFields = (context?.context as Fields | undefined) ?? {};
  const clusterName = options.cluster ?? (contextFields.cluster as string | undefined) ?? '';
  const userName = options.user ?? (contextFields.user as string | undefined) ?? '';
  const clusterEntry = merged.clusters.find((c) => c.name === clusterName);
  if (!clusterEntry && !options.server) {
    throw failure(`cluster "${clusterName}" not found in kubeconfig`, {
      hint: `context "${contextName}" refers to it; kubectl config get-clusters lists the clusters`,
    });
  }
  const userEntry = merged.users.find((u) => u.name === userName);
  if (options.user !== undefined && !userEntry) {
    throw failure(`user "${options.user}" not found in kubeconfig`);
  }

  const cluster: Fields = { ...((clusterEntry?.cluster as Fields | undefined) ?? {}) };
  if (options.server) cluster.server = options.server;
  if (options.certificateAuthority) {
    cluster['certificate-authority'] = options.certificateAuthority;
    delete cluster['certificate-authority-data'];
  }
  if (options.insecureSkipTlsVerify) {
    // kubectl drops the CA when told to skip verification; keeping both is an error in client-go.
    cluster['insecure-skip-tls-verify'] = true;
    delete cluster['certificate-authority'];
    delete cluster['certificate-authority-data'];
  }
  const user: Fields = { ...((userEntry?.user as Fields | undefined) ?? {}) };
  if (options.token) user.token = options.token;

  const server = cluster.server;
  if (typeof server !== 'string' || server === '') {
    throw failure(`cluster "${clusterName}" in kubeconfig has no server`);
  }
  const namespace = options.namespace ?? (contextFields.namespace as string | undefined) ?? 'default';
  const name = contextName ?? 'flags';
  return {
    contextName: name,
    namespace,
    namespaceExplicit: options.namespace !== undefined,
    server,
    files,
    config: {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'selected', cluster }],
      users: [{ name: 'selected', user }],
      contexts: [{ name, context: { cluster: 'selected', user: 'selected', namespace } }],
      'current-context': name,
    },
  };
}

/** The kubeconfig files kubectl would read, in precedence order. */
export function kubeconfigPaths(options: ConnectionOptions, env: NodeJS.ProcessEnv): string[] {
  if (options.kubeconfig !== undefined) return [options.kubeconfig];
  const fromEnv = env.KUBECONFIG;
  if (fromEnv) {
    const seen = new Set<string>();
    return fromEnv.split(path.delimiter).filter((p) => p !== '' && !seen.has(p) && seen.add(p));
  }
  return [path.join(env.HOME ?? homedir(), '.kube', 'config')];
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw failure(`cannot read kubeconfig "${file}": ${(error as Error).message}`);
  }
}

/** The kubeconfig files kubectl would read, with their text; missing files are skipped except --kubeconfig. */
function readKubeconfigFiles(options: ConnectionOptions, env: NodeJS.ProcessEnv): KubeconfigFile[] {
  if (options.kubeconfig === '') throw usageError('--kubeconfig needs a file path');
  const files: KubeconfigFile[] = [];
  for (const file of kubeconfigPaths(options, env)) {
    const text = readIfPresent(file);
    if (text !== undefined) files.push({ path: file, text });
    else if (options.kubeconfig !== undefined) throw failure(`kubeconfig "${file}" not found`);
  }
  return files;
}

/** The context, cluster and user names of kubectl's merged kubeconfig, read without any request. */
export function kubeconfigNames(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): Record<'contexts' | 'clusters' | 'users', string[]> {
  const merged = mergeKubeconfigs(readKubeconfigFiles(options, env));
  const names = (entries: Entry[]): string[] => entries.map((e) => e.name);
  return { contexts: names(merged.contexts), clusters: names(merged.clusters), users: names(merged.users) };
}

/** Each context of kubectl's merged kubeconfig with its cluster's server and its user, read without any request. */
export function kubeconfigContexts(
  options: ConnectionOptions,
  env: NodeJS.ProcessEnv = process.env,
): { name: string; server: string | undefined; user: string | undefined }[] {
  const merged = mergeKubeconfigs(readKubeconfigFiles(options, env));
  return merged.contexts.map((context) => {
    const fields = (context.context as Fields | undefined) ?? {};
    const cluster = merged.clusters.find((c) => c.name === fields.cluster)?.cluster as Fields | undefined;
    return {
      name: context.name,
      server: typeof cluster?.server === 'string' ? cluster.server : undefined,
      user: typeof fields.user === 'string' ? fields.user : undefined,
    };
  });
}

/** Where Kubernetes mounts a pod's service account: its token, the cluster's CA and the namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * In a pod with no kubeconfig, kubectl (client-go) talks to the cluster it runs in: the API server
 * from KUBERNETES_SERVICE_HOST/PORT, the service account's token file and CA, and its namespace
 * (POD_NAMESPACE first). Undefined outside a pod.
 */
export function inClusterKubeconfig(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): KubeconfigFile | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const token = path.join(dir, 'token');
  if (!host || !port || !existsSync(token)) return undefined;
  const namespace = env.POD_NAMESPACE || readIfPresent(path.join(dir, 'namespace'))?.trim() || 'default';
  const config = {
    clusters: [
      {
        name: 'in-cluster',
        // An IPv6 address needs brackets in a URL.
        cluster: {
          server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
          'certificate-authority': path.join(dir, 'ca.crt'),
        },
      },
    ],
    users: [{ name: 'in-cluster', user: { tokenFile: token } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'in-cluster', namespace } }],
    'current-context': 'in-cluster',
  };
  return { path: '(in-cluster)', text: JSON.stringify(config) };
}

/** Reads and resolves the kubeconfig the way kubectl does; in a pod without one, the pod's own cluster. */
export function loadKubeconfig(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): ResolvedKubeconfig {
  const files = readKubeconfigFiles(options, env);
  if (files.length === 0 && options.kubeconfig === undefined) {
    const inCluster = inClusterKubeconfig(env);
    if (inCluster) files.push(inCluster);
  }
  return selectContext(
    mergeKubeconfigs(files),
    options,
    files.map((f) => f.path),
  );
}
