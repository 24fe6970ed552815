import { usageError } from '../errors.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Helm release names are at most 53 characters; the namespace name is the tenant name. */
export const MAX_TENANT_NAME = 53;

/** Why `name` cannot be a tenant name, or undefined when it can. */
export function tenantNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_TENANT_NAME) {
    return `must be at most ${MAX_TENANT_NAME} characters (Helm release name limit), got ${name.length}`;
  }
  if (!DNS1123_LABEL.test(name)) {
    return 'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Whether `name` can be a namespace's name, and so the value of a label selector that names it. */
export const canNameNamespace = (name: string): boolean => name.length <= 63 && DNS1123_LABEL.test(name);

export function assertTenantName(name: string): string {
  const problem = tenantNameProblem(name);
  if (problem) throw usageError(`invalid tenant name "${name}": ${problem}`);
  return name;
}
