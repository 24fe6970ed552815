import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { failure } from '../../core/errors.ts';
import { type AccessRole, grantAccess, portableCluster, tenantKubeconfig } from '../../core/policy/access.ts';
import { toYaml } from '../../core/policy/diff.ts';
import { policyTarget } from '../../core/policy/tenant.ts';
import type { TenantSource } from '../../core/tenant/contract.ts';
import { type Document, textLines } from '../../output/result.ts';
import type { PolicyDeps } from './show.ts';

export interface PolicyKubeconfigOptions {
  tenant: string;
  source?: TenantSource;
  /** The ServiceAccount's name, and the kubeconfig user's after the tenant. */
  user: string;
  role: AccessRole;
  /** Token lifetime, already checked against the TokenRequest API's bounds. */
  seconds: number;
  /** Where to write the kubeconfig (mode 0600); stdout when undefined. */
  file?: string;
}

/** Written beside the target and renamed over it, so the token is never readable by others, not even briefly. */
function writePrivate(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw failure(`cannot write kubeconfig "${file}": ${(error as Error).message}`);
  }
}

export async function kubeconfig(options: PolicyKubeconfigOptions, deps: PolicyDeps): Promise<Document> {
  const client = await deps.kube();
  const target = await policyTarget(client, options.tenant, options.source);
  const cluster = portableCluster((client.kubeconfig.clusters[0]?.cluster ?? {}) as Record<string, unknown>);
  const grant = await grantAccess(client, {
    namespace: target.tenant.namespace,
    user: options.user,
    role: options.role,
    seconds: options.seconds,
  });
  const config = tenantKubeconfig({
    clusterName: client.context,
    cluster,
    user: options.user,
    token: grant.token,
    namespace: target.tenant.namespace,
  });
  const text = toYaml(config);
  const summary = `kubeconfig for ${options.user} (${options.role} in tenant ${target.tenant.name}) expires ${grant.expires}`;
  if (options.file !== undefined) {
    writePrivate(options.file, text);
    return {
      type: 'document',
      document: { file: options.file, expires: grant.expires, objects: grant.objects },
      name: options.file,
      text: textLines(`${summary}: written to ${options.file}`),
    };
  }
  return {
    type: 'document',
    document: config,
    name: `serviceaccount/${options.user}`,
    text: textLines(text),
    warnings: [`${summary}`],
  };
}
