import { load } from 'js-yaml';
import { usageError } from '../errors.ts';
import { parseQuantity } from '../quantity.ts';
import { recordedPolicy } from '../tenant/contract.ts';

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

/** Settings from one source (flags, a profile file, the namespace's record); what it leaves out comes from the next. */
export type SettingsLayer = Partial<PolicySettings>;

/** Short names users type, and the ResourceQuota names they stand for. */
const QUOTA_ALIASES: Record<string, string> = {
  cpu: 'requests.cpu',
  memory: 'requests.memory',
  storage: 'requests.storage',
};
const QUOTA_KEY = /^(count\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const LIMIT_KEYS = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];
const FILE_KEYS = ['profile', 'quota', 'limits', 'owner'];

export function parseProfile(value: string): ProfileName {
  if (!PROFILES.includes(value as ProfileName)) {
    throw usageError(`unknown profile "${value}": use one of ${PROFILES.join(', ')}`);
  }
  return value as ProfileName;
}

/** Checks key=quantity pairs; `where` names their origin in errors ("--quota", "quota in acme.yaml"). */
function checkPairs(
  where: string,
  pairs: [key: string, value: string][],
  checkKey: (key: string) => string,
): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [rawKey, value] of pairs) {
    const key = checkKey(rawKey);
    const quantity = parseQuantity(value);
    if (quantity === undefined || quantity < 0) {
      throw usageError(
        `invalid ${where} "${rawKey}=${value}": "${value}" is not a Kubernetes quantity (e.g. 500m, 2, 8Gi)`,
      );
    }
    checked[key] = value;
  }
  return checked;
}

/** Splits `key=quantity,key=quantity` as --quota and --limits take it. */
function splitPairs(flag: string, text: string): [string, string][] {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0) throw usageError(`invalid ${flag} "${part}": expected key=quantity, e.g. cpu=4`);
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()];
    });
}

function quotaFrom(where: string, pairs: [string, string][]): Record<string, string> {
  return checkPairs(where, pairs, (key) => {
    const name = QUOTA_ALIASES[key] ?? key;
    if (!QUOTA_KEY.test(name)) throw usageError(`invalid ${where} key "${key}": not a ResourceQuota resource name`);
    return name;
  });
}

function limitsFrom(where: string, pairs: [string, string][]): Record<string, string> {
  const limits = checkPairs(where, pairs, (key) => {
    if (!LIMIT_KEYS.includes(key)) throw usageError(`invalid ${where} key "${key}": use ${LIMIT_KEYS.join(', ')}`);
    return key;
  });
  for (const resource of ['cpu', 'memory']) {
    const request = limits[`requests.${resource}`];
    const limit = limits[`limits.${resource}`];
    if (request && limit && (parseQuantity(request) as number) > (parseQuantity(limit) as number)) {
      throw usageError(`invalid ${where}: requests.${resource}=${request} is above limits.${resource}=${limit}`);
    }
  }
  return limits;
}

export function parseQuota(text: string): Record<string, string> {
  return quotaFrom('--quota', splitPairs('--quota', text));
}

export function parseLimits(text: string): Record<string, string> {
  return limitsFrom('--limits', splitPairs('--limits', text));
}

export function parseOwner(text: string, where = '--owner'): PolicySettings['owner'] {
  const match = /^(user|group):(.+)$/.exec(text);
  if (!match) throw usageError(`invalid ${where} "${text}": use user:NAME or group:NAME`);
  return { kind: match[1] === 'user' ? 'User' : 'Group', name: match[2] as string };
}

function mappingPairs(where: string, value: unknown): [string, string][] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(`invalid ${where}: expected a mapping of resource: quantity, e.g. cpu: 4`);
  }
  return Object.entries(value).map(([key, v]) => {
    if (typeof v !== 'string' && typeof v !== 'number') {
      throw usageError(`invalid ${where} "${key}": expected a quantity, e.g. 500m, 2, 8Gi`);
    }
    return [key, String(v)];
  });
}

/**
 * A profile file (`--from-file`): YAML with any of `profile`, `quota` and `limits` (mappings of
 * resource: quantity, as --quota and --limits take them) and `owner` (user:NAME or group:NAME).
 */
export function parsePolicyFile(text: string, file: string): SettingsLayer {
  let doc: unknown;
  try {
    doc = load(text);
  } catch (error) {
    throw usageError(`profile file "${file}" is not valid YAML: ${(error as Error).message.split('\n', 1)[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw usageError(`profile file "${file}" must be a mapping with ${FILE_KEYS.join(', ')}`);
  }
  const fields = doc as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !FILE_KEYS.includes(key));
  if (unknown) throw usageError(`unknown key "${unknown}" in profile file "${file}": use ${FILE_KEYS.join(', ')}`);
  const layer: SettingsLayer = {};
  if (fields.profile !== undefined) layer.profile = parseProfile(String(fields.profile));
  if (fields.quota !== undefined)
    layer.quota = quotaFrom(`quota in ${file}`, mappingPairs(`quota in ${file}`, fields.quota));
  if (fields.limits !== undefined) {
    layer.limits = limitsFrom(`limits in ${file}`, mappingPairs(`limits in ${file}`, fields.limits));
  }
  if (fields.owner !== undefined) layer.owner = parseOwner(String(fields.owner), `owner in ${file}`);
  return layer;
}

/** Each setting comes from the first layer that has it; the profile defaults to standard. */
export function mergeSettings(...layers: SettingsLayer[]): PolicySettings {
  const first = <K extends keyof PolicySettings>(key: K) => layers.find((l) => l[key] !== undefined)?.[key];
  const owner = first('owner');
  return {
    profile: first('profile') ?? 'standard',
    quota: first('quota') ?? {},
    limits: first('limits') ?? {},
    ...(owner ? { owner } : {}),
  };
}

/** The namespace annotation that records the settings, so later runs render the same policy. */
export function recordSettings(settings: PolicySettings): string {
  const { quota, limits, owner } = settings;
  return JSON.stringify({ quota, limits, owner });
}

/**
 * The settings a namespace records (profile and policy-settings annotations), checked as strictly
 * as flags are; `problem` says what is unreadable, and that part is left out.
 */
export function readRecorded(annotations: Record<string, string>): { layer: SettingsLayer; problem?: string } {
  const layer: SettingsLayer = {};
  const { profile, settings: text, where } = recordedPolicy(annotations);
  try {
    if (profile !== undefined) layer.profile = parseProfile(profile);
    if (text === undefined) return { layer };
    let recorded: { quota?: unknown; limits?: unknown; owner?: unknown };
    try {
      recorded = JSON.parse(text);
    } catch {
      throw usageError(`${where} is not JSON`);
    }
    if (recorded.quota !== undefined) layer.quota = quotaFrom(where, mappingPairs(where, recorded.quota));
    if (recorded.limits !== undefined) layer.limits = limitsFrom(where, mappingPairs(where, recorded.limits));
    const owner = recorded.owner as PolicySettings['owner'] | undefined;
    if (owner !== undefined) {
      if ((owner.kind !== 'User' && owner.kind !== 'Group') || typeof owner.name !== 'string') {
        throw usageError(`${where}: owner must be {kind: User|Group, name}`);
      }
      layer.owner = { kind: owner.kind, name: owner.name };
    }
    return { layer };
  } catch (error) {
    return { layer, problem: (error as Error).message };
  }
}

/**
 * The settings an install recorded on the namespace, so that later upgrades and policy runs render
 * the same policy; what is unreadable takes its default.
 */
export function recordedSettings(annotations: Record<string, string>): PolicySettings {
  return mergeSettings(readRecorded(annotations).layer);
}
