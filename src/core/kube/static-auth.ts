import { readFileSync } from 'node:fs';
import type https from 'node:https';
import tls from 'node:tls';
import { failure } from '../errors.ts';
import type { ResolvedKubeconfig } from './kubeconfig.ts';

/** What a request needs to present to the API server, besides its own headers. */
export interface AuthMaterial {
  headers: Record<string, string>;
  auth: string | undefined;
  ca?: https.RequestOptions['ca'];
  cert?: https.RequestOptions['cert'];
  key?: https.RequestOptions['key'];
  /** The certificates parsed once, for every connection, rather than once per connection. */
  secureContext?: tls.SecureContext;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** The TLS half of the material, as tls.connect takes it (and https.request passes it on). */
export function tlsOptions(auth: AuthMaterial): tls.ConnectionOptions {
  return {
    ca: auth.ca,
    cert: auth.cert,
    key: auth.key,
    secureContext: auth.secureContext,
    rejectUnauthorized: auth.rejectUnauthorized,
    servername: auth.servername,
  };
}

/** Fields whose meaning is plain: certificates, a token, a password (extensions carry no credentials). */
const STATIC_CLUSTER = new Set([
  'server',
  'extensions',
  'certificate-authority',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
]);
const STATIC_USER = new Set([
  'extensions',
  'client-certificate',
  'client-certificate-data',
  'client-key',
  'client-key-data',
  'token',
  'tokenFile',
  'username',
  'password',
]);

type Fields = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Inline base64 data, else the file's contents, else nothing. */
function material(fields: Fields, name: string): Buffer | undefined {
  const data = text(fields[`${name}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = text(fields[name]);
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw failure(`cannot read the kubeconfig's ${name} ${file}: ${(error as NodeJS.ErrnoException).code}`, {
      cause: error,
    });
  }
}

/**
 * The credentials of a kubeconfig whose cluster and user hold only certificates, a token (or token
 * file) or a password, read without client-node, whose 4 MB takes 120–170 ms to load: most of a
 * short command's time. Undefined for anything else (exec plugins, auth providers, proxies,
 * impersonation in the kubeconfig), which client-node handles.
 */
export function staticAuth(resolved: ResolvedKubeconfig): (() => AuthMaterial) | undefined {
  const cluster = (resolved.config.clusters[0]?.cluster ?? {}) as Fields;
  const user = (resolved.config.users[0]?.user ?? {}) as Fields;
  if (!Object.keys(cluster).every((key) => STATIC_CLUSTER.has(key))) return undefined;
  if (!Object.keys(user).every((key) => STATIC_USER.has(key))) return undefined;
  const insecure = cluster['insecure-skip-tls-verify'] === true;
  const fixed = {
    secureContext: tls.createSecureContext({
      ca: insecure ? undefined : material(cluster, 'certificate-authority'),
      cert: material(user, 'client-certificate'),
      key: material(user, 'client-key'),
    }),
    rejectUnauthorized: !insecure,
    servername: text(cluster['tls-server-name']),
    auth: text(user.username) !== undefined ? `${user.username as string}:${text(user.password) ?? ''}` : undefined,
  };
  const token = text(user.token);
  const tokenFile = text(user.tokenFile);
  return () => {
    // A token file is read for each request, as it may be rotated while a follow runs.
    const bearer = token ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined);
    const headers: Record<string, string> = bearer ? { Authorization: `Bearer ${bearer}` } : {};
    return { ...fixed, headers };
  };
}
