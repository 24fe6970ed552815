import { usageError } from '../errors.ts';
import { parseQuantity } from '../quantity.ts';
import { ANNOTATION_POLICY_SETTINGS, ANNOTATION_PROFILE } from '../tenant/contract.ts';

export type ProfileName = 'standard' | 'strict' | 'none';
export const PROFILES: readonly ProfileName[] = ['standard', 'strict', 'none'];

/** What a tenant's isolation is made of: a profile plus the quota and limits that size it. */
export interface PolicySettings {
  profile: ProfileName;
  /** ResourceQuota `hard`, by the quota's own resource names (requests.cpu, pods, …). */
  quota: Record<string, string>;
  /** LimitRange container defaults: requests.cpu, requests.memory, limits.cpu, limits.memory. */
  limits: Record<string, string>;
  /** A user or group that gets the `admin` ClusterRole in the tenant namespace. */
  owner?: { kind: 'User' | 'Group'; name: string };
}

/** Short names users type, and the ResourceQuota names they stand for. */
const QUOTA_ALIASES: Record<string, string> = {
  cpu: 'requests.cpu',
  memory: 'requests.memory',
  storage: 'requests.storage',
};
const QUOTA_KEY = /^(count\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LIMIT_KEYS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

/**
 * The settings an install recorded on the namespace (profile and the policy-settings annotation),
 * so that later upgrades and policy runs render the same policy.
 */
export function recordedSettings(annotations: Record<string, string>): PolicySettings {
  const profile = PROFILES.includes(annotations[ANNOTATION_PROFILE] as ProfileName)
    ? (annotations[ANNOTATION_PROFILE] as ProfileName)
    : 'standard';
  let recorded: Partial<PolicySettings> = {};
  try {
    recorded = JSON.parse(annotations[ANNOTATION_POLICY_SETTINGS] ?? '{}') as Partial<PolicySettings>;
  } catch {
    // A hand-edited annotation that is not JSON: the profile's defaults apply.
  }
  return { profile, quota: recorded.quota ?? {}, limits: recorded.limits ?? {}, owner: recorded.owner };
}

export function parseProfile(value: string): ProfileName {
  if (!PROFILES.includes(value as ProfileName)) {
    throw usageError(`unknown profile "${value}": use one of ${PROFILES.join(', ')}`);
  }
  return value as ProfileName;
}

/** Parses `key=quantity,key=quantity` as --quota and --limits take it. */
function parsePairs(flag: string, text: string, checkKey: (key: string) => string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw usageError(`invalid --${flag} "${part}": expected key=quantity, e.g. cpu=4`);
    const key = checkKey(part.slice(0, eq).trim());
    const value = part.slice(eq + 1).trim();
    const quantity = parseQuantity(value);
    if (quantity === undefined || quantity < 0) {
      throw usageError(`invalid --${flag} "${part}": "${value}" is not a Kubernetes quantity (e.g. 500m, 2, 8Gi)`);
    }
    pairs[key] = value;
  }
  return pairs;
}

export function parseQuota(text: string): Record<string, string> {
  return parsePairs('quota', text, (key) => {
    const name = QUOTA_ALIASES[key] ?? key;
    if (!QUOTA_KEY.test(name)) throw usageError(`invalid --quota key "${key}": not a ResourceQuota resource name`);
    return name;
  });
}

export function parseLimits(text: string): Record<string, string> {
  const limits = parsePairs('limits', text, (key) => {
    if (!LIMIT_KEYS.includes(key)) throw usageError(`invalid --limits key "${key}": use ${LIMIT_KEYS.join(', ')}`);
    return key;
  });
  for (const resource of ['cpu', 'memory']) {
    const request = limits[`requests.${resource}`];
    const limit = limits[`limits.${resource}`];
    if (request && limit && (parseQuantity(request) as number) > (parseQuantity(limit) as number)) {
      throw usageError(`invalid --limits: requests.${resource}=${request} is above limits.${resource}=${limit}`);
    }
  }
  return limits;
}

export function parseOwner(text: string): PolicySettings['owner'] {
  const match = /^(user|group):(.+)$/.exec(text);
  if (!match) throw usageError(`invalid --owner "${text}": use user:NAME or group:NAME`);
  return { kind: match[1] === 'user' ? 'User' : 'Group', name: match[2] as string };
}
