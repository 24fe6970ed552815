import { failure } from '../../core/errors.ts';
import { deleteOptional, serverSideApply } from '../../core/kube/apply.ts';
import type { KubeClient } from '../../core/kube/client.ts';
import type { KubeObject } from '../../core/kube/objects.ts';
import { collectionPath, objectPath } from '../../core/kube/resources.ts';
import {
  type AllowRequest,
  allowName,
  deniesEgressByDefault,
  egressAllowName,
  renderAllow,
  renderEgressAllow,
} from '../../core/policy/allow.ts';
import { describeNetworkPolicy } from '../../core/policy/network.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import { listTenants } from '../../core/tenant/inventory.ts';
import { resolveTenant } from '../../core/tenant/resolve.ts';
import { type Document, textLines } from '../../output/result.ts';
import { API_VERSION } from '../../views/document.ts';
import type { PolicyDeps } from './show.ts';

export interface PolicyAllowOptions {
  from: string;
  to: string;
  port?: number;
  source?: TenantSource;
}

export interface PolicyDenyOptions {
  from: string;
  to: string;
  source?: TenantSource;
}

const NOT_ENFORCED = 'note: NetworkPolicies take effect only where the network plugin enforces them';

function document(
  options: PolicyAllowOptions | PolicyDenyOptions,
  allowed: boolean,
  objects: KubeObject[],
  lines: string[],
): Document {
  return {
    type: 'document',
    document: {
      apiVersion: API_VERSION,
      kind: 'TenantTraffic',
      spec: { from: options.from, to: options.to, allowed },
      objects: objects.map((o) => ({ kind: 'NetworkPolicy', name: o.metadata.name, namespace: o.metadata.namespace })),
    },
    name: objects.map((o) => `networkpolicy/${o.metadata.name}`).join('\n'),
    text: textLines(lines.join('\n')),
    warnings: allowed ? [NOT_ENFORCED] : [],
  };
}

/**
 * Lets FROM's pods reach TO's: a NetworkPolicy in TO naming FROM's namespace, and when FROM's
 * egress is denied by default (strict), one in FROM naming TO's.
 */
export async function allow(options: PolicyAllowOptions, deps: PolicyDeps): Promise<Document> {
  const client = await deps.kube();
  const { tenants } = await listTenants(client);
  const from = resolveTenant(tenants, options.from, options.source);
  const to = resolveTenant(tenants, options.to, options.source);
  if (from.namespace === to.namespace) {
    throw failure(`tenants "${from.name}" and "${to.name}" share namespace "${to.namespace}": nothing to allow`);
  }
  const request: AllowRequest = {
    from: from.name,
    to: to.name,
    fromNamespace: from.namespace,
    toNamespace: to.namespace,
    port: options.port,
  };
  const fromPolicies = await client.list(collectionPath('NetworkPolicy', from.namespace));
  const egress = deniesEgressByDefault(fromPolicies.items.map((p) => ({ ...p, kind: 'NetworkPolicy' })));
  const objects = [renderAllow(request), ...(egress ? [renderEgressAllow(request)] : [])];
  for (const object of objects) await serverSideApply(client, object);
  return document(
    options,
    true,
    objects,
    objects.map(
      (o) => `networkpolicy/${o.metadata.name} applied in ${o.metadata.namespace}: ${describeNetworkPolicy(o)}`,
    ),
  );
}

function deleteIfThere(client: KubeClient, object: KubeObject): Promise<boolean> {
  return deleteOptional(client, objectPath('NetworkPolicy', object.metadata.namespace, object.metadata.name));
}

/** Removes what `allow` made. FROM need not be a tenant any more: closing traffic from a gone tenant is cleanup. */
export async function deny(options: PolicyDenyOptions, deps: PolicyDeps): Promise<Document> {
  const client = await deps.kube();
  const { tenants } = await listTenants(client);
  const to = resolveTenant(tenants, options.to, options.source);
  const from = tenants.some((t) => t.name === options.from)
    ? resolveTenant(tenants, options.from, options.source)
    : undefined;
  const ingress: KubeObject = {
    kind: 'NetworkPolicy',
    metadata: { name: allowName(options.from), namespace: to.namespace },
  };
  if (!(await deleteIfThere(client, ingress))) {
    throw failure(
      `no traffic from "${options.from}" to "${to.name}" was allowed: networkpolicy/${ingress.metadata.name} not found in ${to.namespace}`,
    );
  }
  const deleted = [ingress];
  if (from) {
    const egress: KubeObject = {
      kind: 'NetworkPolicy',
      metadata: { name: egressAllowName(to.name), namespace: from.namespace },
    };
    if (await deleteIfThere(client, egress)) deleted.push(egress);
  }
  return document(
    options,
    false,
    deleted,
    deleted.map((o) => `networkpolicy/${o.metadata.name} deleted from ${o.metadata.namespace}`),
  );
}
