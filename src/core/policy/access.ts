import { readFileSync } from 'node:fs';
import { failure, usageError } from '../errors.ts';
import { serverSideApply } from '../kube/apply.ts';
import type { KubeClient } from '../kube/client.ts';
import type { KubeObject } from '../kube/objects.ts';
import { getOptional } from '../kube/read.ts';
import { objectPath } from '../kube/resources.ts';
import { accessLabels, isAccessObject } from '../tenant/contract.ts';
import { POLICY_PREFIX } from './profiles.ts';

/** Marks what `policy kubeconfig` creates; not mimt.io/policy, so `policy apply` never prunes it. */

export type AccessRole = 'admin' | 'edit' | 'view';
export const ACCESS_ROLES: readonly AccessRole[] = ['admin', 'edit', 'view'];

/** The TokenRequest API's own bounds for expirationSeconds (apiserver validation). */
const TOKEN_MIN_SECONDS = 600;
const TOKEN_MAX_SECONDS = 2 ** 32;

/** Seconds as --duration takes them: 1h30m, 24h, 45m. */
function durationText(seconds: number): string {
  const parts: [number, string][] = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  return (
    parts
      .filter(([n]) => n > 0)
      .map(([n, unit]) => `${n}${unit}`)
      .join('') || '0s'
  );
}

/** A token lifetime in seconds from --duration, or a usage error when the API server would refuse it. */
export function tokenSeconds(text: string, ms: number): number {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < TOKEN_MIN_SECONDS) {
    throw usageError(`invalid --duration "${text}": the API server issues tokens for at least 10m`);
  }
  if (seconds > TOKEN_MAX_SECONDS) {
    throw usageError(
      `invalid --duration "${text}": the API server issues tokens for at most 2^32 seconds (about 136 years)`,
    );
  }
  return seconds;
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

/**
 * The ClusterRole's rules as a Role of the tenant namespace, without the rules that let a holder act
 * as another identity: `impersonate` and `serviceaccounts/token` (both come with admin and edit).
 */
export function accessRole(clusterRole: KubeObject, role: AccessRole, namespace: string): KubeObject {
  const rules = ((clusterRole.rules as PolicyRule[] | undefined) ?? []).flatMap((rule): PolicyRule[] => {
    if (rule.nonResourceURLs?.length) return [];
    const verbs = rule.verbs.filter((v) => v !== 'impersonate');
    const resources = (rule.resources ?? []).filter((r) => r !== 'serviceaccounts/token');
    return verbs.length && resources.length ? [{ ...rule, verbs, resources }] : [];
  });
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: {
      name: `${POLICY_PREFIX}access-${role}`,
      namespace,
      labels: accessLabels(role),
    },
    rules,
  };
}

function accessServiceAccount(namespace: string, user: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: user, namespace, labels: accessLabels(user) },
    // A person's identity: pods have no business running as it.
    automountServiceAccountToken: false,
  };
}

function accessBinding(namespace: string, user: string, role: KubeObject): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: {
      name: `${POLICY_PREFIX}access-${user}`,
      namespace,
      labels: accessLabels(user),
    },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
    subjects: [{ kind: 'ServiceAccount', name: user, namespace }],
  };
}

type Fields = Record<string, unknown>;

/** The cluster entry for the new kubeconfig: the caller's server and CA, the CA embedded so the file stands alone. */
export function portableCluster(cluster: Fields): Fields {
  const portable: Fields = { server: cluster.server };
  const caFile = cluster['certificate-authority'];
  if (typeof cluster['certificate-authority-data'] === 'string') {
    portable['certificate-authority-data'] = cluster['certificate-authority-data'];
  } else if (typeof caFile === 'string' && caFile !== '') {
    try {
      portable['certificate-authority-data'] = readFileSync(caFile).toString('base64');
    } catch (error) {
      throw failure(`cannot read the cluster's CA file "${caFile}": ${(error as Error).message}`);
    }
  }
  for (const key of ['insecure-skip-tls-verify', 'tls-server-name', 'proxy-url']) {
    if (cluster[key] !== undefined) portable[key] = cluster[key];
  }
  return portable;
}

export function tenantKubeconfig(options: {
  clusterName: string;
  cluster: Fields;
  user: string;
  token: string;
  namespace: string;
}): Fields {
  const name = `${options.namespace}-${options.user}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: options.clusterName, cluster: options.cluster }],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: options.clusterName, user: name, namespace: options.namespace } }],
    'current-context': name,
  };
}

export interface AccessRequest {
  namespace: string;
  user: string;
  role: AccessRole;
  seconds: number;
}

export interface AccessGrant {
  token: string;
  /** When the token stops working, as the API server says (RFC 3339). */
  expires: string;
  objects: string[];
}

interface TokenRequestAnswer {
  spec: { expirationSeconds: number };
  status: { token: string; expirationTimestamp: string };
}

/**
 * Makes a ServiceAccount for a tenant user, gets it a token, then binds it to the role in the tenant
 * namespace only. The token comes before the rights: if the API server will not issue it for as long
 * as asked, the ServiceAccount this run made is deleted again (which voids the token) and nothing
 * has been granted.
 */
export async function grantAccess(client: KubeClient, request: AccessRequest): Promise<AccessGrant> {
  const { namespace, user, role, seconds } = request;
  const account = objectPath('ServiceAccount', namespace, user);
  const clusterRole = await client.get<KubeObject>(objectPath('ClusterRole', undefined, role));
  const existing = await getOptional<KubeObject>(client, account);
  if (existing && !isAccessObject(existing.metadata.labels ?? {})) {
    throw failure(`serviceaccount "${user}" in namespace "${namespace}" exists and was not made by mimt`, {
      hint: 'nothing was changed; pick another --name',
    });
  }
  await serverSideApply(client, accessServiceAccount(namespace, user));
  let answer: TokenRequestAnswer;
  try {
    answer = await client.request<TokenRequestAnswer>({
      method: 'POST',
      path: objectPath('ServiceAccount', namespace, user, 'token'),
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: seconds } },
    });
    if (answer.spec.expirationSeconds < seconds) {
      const most = answer.spec.expirationSeconds;
      throw failure(
        `the API server issues tokens for at most ${durationText(most)} (${most}s), not ${durationText(seconds)}`,
        { hint: `nothing was granted; ask for --duration ${most}s or less` },
      );
    }
  } catch (error) {
    if (!existing) await client.request({ method: 'DELETE', path: account }).catch(() => undefined);
    throw error;
  }
  const roleObject = accessRole(clusterRole, role, namespace);
  await serverSideApply(client, roleObject);
  const binding = accessBinding(namespace, user, roleObject);
  const bindingPath = objectPath('RoleBinding', namespace, binding.metadata.name);
  const bound = await getOptional<KubeObject>(client, bindingPath);
  // roleRef cannot change in place: a user moved to another role gets a new binding.
  if (bound && (bound.roleRef as { name?: string } | undefined)?.name !== roleObject.metadata.name) {
    await client.request({ method: 'DELETE', path: bindingPath });
  }
  await serverSideApply(client, binding);
  return {
    token: answer.status.token,
    expires: answer.status.expirationTimestamp,
    objects: [`ServiceAccount/${user}`, `Role/${roleObject.metadata.name}`, `RoleBinding/${binding.metadata.name}`],
  };
}
