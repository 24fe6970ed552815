import { failure } from '../errors.ts';
import type { Helm } from '../helm/cli.ts';
import type { KubeClient } from '../kube/client.ts';
import { annotationsOf, labelsOf } from '../kube/objects.ts';
import { collectionPath } from '../kube/resources.ts';
import { isKubePlusNamespace, isMimtNamespace } from '../tenant/discover.ts';
import { findTenant } from '../tenant/inventory.ts';
import { deleteNamespace, getNamespace } from '../tenant/namespace.ts';
import { mimtRecord } from '../tenant/contract.ts';

/** Namespaces mimt refuses outright, whatever labels someone put on them. */
export const PROTECTED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface UninstallPlan {
  tenant: string;
  namespace: string;
  release: string;
  releaseExists: boolean;
  deleteNamespace: boolean;
  uid?: string;
}

/**
 * Works out what uninstalling would remove, and refuses anything mimt cannot prove it owns: a
 * protected namespace, a namespace without mimt's labels, a KubePlus instance.
 */
export async function planUninstall(
  client: KubeClient,
  tenant: string,
  keepNamespace: boolean,
): Promise<UninstallPlan> {
  if (PROTECTED_NAMESPACES.includes(tenant)) {
    throw failure(`refusing to uninstall "${tenant}": it is a system namespace, never a tenant`);
  }
  const namespace = await getNamespace(client, tenant);
  if (!namespace) throw failure(`tenant "${tenant}" not found: there is no namespace "${tenant}"`);
  if (!isMimtNamespace(namespace)) {
    if (isKubePlusNamespace(namespace)) {
      const instance = await findTenant(client, tenant, 'kubeplus').catch(() => undefined);
      const how = instance?.kind
        ? `kubectl delete ${instance.kind.toLowerCase()} ${tenant} -n ${instance.instanceNamespace}`
        : 'delete its KubePlus instance object';
      throw failure(`refusing to uninstall "${tenant}": it is a KubePlus instance, which KubePlus removes`, {
        hint: `remove it with: ${how}`,
      });
    }
    throw failure(`refusing to uninstall "${tenant}": namespace "${tenant}" is not a mimt tenant`, {
      hint: 'mimt deletes only namespaces that carry its mimt.io/tenant and managed-by labels',
    });
  }
  const { release } = mimtRecord(labelsOf(namespace), annotationsOf(namespace));
  const records = await client.list(collectionPath('Secret', tenant), {
    metadataOnly: true,
    labelSelector: `owner=helm,name=${release}`,
  });
  return {
    tenant,
    namespace: tenant,
    release,
    releaseExists: records.items.length > 0,
    deleteNamespace: !keepNamespace,
    uid: namespace.metadata.uid,
  };
}

export async function uninstallTenant(
  deps: { client: KubeClient; helm: Helm; progress: (line: string) => void },
  plan: UninstallPlan,
  timeoutMs: number,
): Promise<void> {
  if (plan.releaseExists) {
    deps.progress(`release ${plan.release}: helm uninstall`);
    await deps.helm.run([
      'uninstall',
      plan.release,
      '--namespace',
      plan.namespace,
      '--wait',
      '--timeout',
      `${Math.ceil(timeoutMs / 1000)}s`,
    ]);
  }
  if (plan.deleteNamespace) {
    deps.progress(`namespace ${plan.namespace}: deleting`);
    const gone = await deleteNamespace(deps.client, plan.namespace, { waitMs: timeoutMs, uid: plan.uid });
    if (!gone) {
      throw failure(`namespace "${plan.namespace}" is still terminating after ${Math.round(timeoutMs / 1000)}s`, {
        hint: `kubectl get namespace ${plan.namespace} -o yaml shows what holds it`,
      });
    }
  }
}
