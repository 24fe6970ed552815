import { failure, usageError } from '../errors.ts';
import type { Tenant, TenantSource } from './contract.ts';

/**
 * THE resolver: picks the tenant called `name` out of the discovered ones. Names match exactly (never
 * as prefixes or substrings); a name claimed by both sources is an error unless a source is given.
 */
export function resolveTenant(tenants: readonly Tenant[], name: string, source?: TenantSource): Tenant {
  const matches = tenants.filter((t) => t.name === name && (source === undefined || t.source === source));
  if (matches.length === 1) return matches[0] as Tenant;
  if (matches.length > 1) {
    const where = matches.map((t) => `${t.source} (namespace ${t.namespace})`).join(' and ');
    throw usageError(`tenant "${name}" is claimed by ${where}`, 'pass --source mimt or --source kubeplus');
  }
  const other = source ? tenants.find((t) => t.name === name) : undefined;
  throw failure(`tenant "${name}" not found${source ? ` with source ${source}` : ''}`, {
    // As the API server would say it: across clusters, a tenant missing from one is no failure there.
    status: 404,
    hint: other ? `it exists with source ${other.source}` : 'kubectl mimt ls lists the tenants you can see',
  });
}
