import { dump } from 'js-yaml';
import type { KubeObject } from '../kube/objects.ts';
import { parseQuantity } from '../quantity.ts';

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The API server writes quantities in canonical form ("1000m" comes back "1"); equal values are no drift. */
function sameQuantity(desired: unknown, live: unknown): boolean {
  if (typeof desired !== 'string' || (typeof live !== 'string' && typeof live !== 'number')) return false;
  const a = parseQuantity(desired);
  return a !== undefined && a === parseQuantity(String(live));
}

/**
 * The live object restricted to the fields the desired object sets, which is what server-side apply
 * with mimt's field manager owns: defaults and fields others set do not count as drift. Extra list
 * items do count (an ingress rule someone added), so they are kept whole.
 */
export function projectOnto(desired: unknown, live: unknown): unknown {
  if (live === undefined) return undefined;
  if (sameQuantity(desired, live)) return desired;
  if (isMapping(desired) && isMapping(live)) {
    const projected: Record<string, unknown> = {};
    for (const key of Object.keys(desired)) {
      if (key in live) projected[key] = projectOnto(desired[key], live[key]);
    }
    return projected;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    return live.map((item, i) => (i < desired.length ? projectOnto(desired[i], item) : item));
  }
  return live;
}

export function objectKey(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

export function toYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** The fields of a live object worth showing when mimt would delete it: no status, no server metadata. */
export function shownFields(object: KubeObject): KubeObject {
  const { apiVersion, kind, metadata, status: _status, ...rest } = object;
  const { name, namespace, labels, annotations } = metadata;
  return { apiVersion, kind, metadata: { name, namespace, labels, ...(annotations ? { annotations } : {}) }, ...rest };
}

export type Drift = 'missing' | 'changed' | 'unexpected';

export interface ObjectDiff {
  object: string;
  drift: Drift;
  /** The YAML of each side, as the diff compares them. */
  live: string;
  desired: string;
}

/** Two views of one object, compared as they are; undefined when they are the same. */
export function compareObjects(desired: KubeObject, live: unknown): ObjectDiff | undefined {
  const want = toYaml(desired);
  const have = toYaml(live);
  return have === want ? undefined : { object: objectKey(desired), drift: 'changed', live: have, desired: want };
}

/** How one desired object stands against its live namesake (undefined: absent); undefined when in sync. */
export function driftOf(desired: KubeObject, live: KubeObject | undefined): ObjectDiff | undefined {
  if (!live) return { object: objectKey(desired), drift: 'missing', live: '', desired: toYaml(desired) };
  return compareObjects(desired, projectOnto(desired, live));
}

/**
 * Every difference between the desired objects and the live ones: desired objects missing or
 * changed, and `removable` live objects (mimt's own) that the desired set no longer has.
 */
export function diffObjects(desired: KubeObject[], live: KubeObject[], removable: KubeObject[]): ObjectDiff[] {
  const byKey = new Map(live.map((o) => [objectKey(o), o]));
  const wanted = new Set(desired.map(objectKey));
  const diffs = desired.flatMap((object) => driftOf(object, byKey.get(objectKey(object))) ?? []);
  const extra = removable
    .filter((o) => !wanted.has(objectKey(o)))
    .map((o): ObjectDiff => ({ object: objectKey(o), drift: 'unexpected', live: toYaml(shownFields(o)), desired: '' }));
  return [...diffs, ...extra];
}

type Edit = { op: ' ' | '-' | '+'; line: string };

/** The shortest edit script between two line lists (longest common subsequence; objects are short). */
function edits(a: string[], b: string[]): Edit[] {
  // common[i * width + j]: the length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const common = new Int32Array((a.length + 1) * width);
  const at = (i: number, j: number): number => common[i * width + j] as number;
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      common[i * width + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: ' ', line: a[i] as string });
      i += 1;
      j += 1;
    } else if (i < a.length && (j === b.length || at(i + 1, j) >= at(i, j + 1))) {
      out.push({ op: '-', line: a[i] as string });
      i += 1;
    } else {
      out.push({ op: '+', line: b[j] as string });
      j += 1;
    }
  }
  return out;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** A unified diff (as `diff -u` prints it) of one object, with `context` unchanged lines around each change. */
export function unifiedDiff(diff: ObjectDiff, context = 3): string[] {
  const script = edits(lines(diff.live), lines(diff.desired));
  const header = [
    diff.drift === 'missing' ? '--- /dev/null' : `--- live/${diff.object}`,
    diff.drift === 'unexpected' ? '+++ /dev/null' : `+++ desired/${diff.object}`,
  ];
  const changed = script.flatMap((e, i) => (e.op === ' ' ? [] : [i]));
  const hunks: string[] = [];
  let index = 0;
  while (index < changed.length) {
    const start = Math.max(0, (changed[index] as number) - context);
    let end = Math.min(script.length, (changed[index] as number) + context + 1);
    while (index + 1 < changed.length && (changed[index + 1] as number) - context <= end) {
      index += 1;
      end = Math.min(script.length, (changed[index] as number) + context + 1);
    }
    index += 1;
    const before = script.slice(0, start);
    const body = script.slice(start, end);
    const aStart = before.filter((e) => e.op !== '+').length;
    const bStart = before.filter((e) => e.op !== '-').length;
    const aCount = body.filter((e) => e.op !== '+').length;
    const bCount = body.filter((e) => e.op !== '-').length;
    hunks.push(`@@ -${aCount ? aStart + 1 : aStart},${aCount} +${bCount ? bStart + 1 : bStart},${bCount} @@`);
    hunks.push(...body.map((e) => `${e.op}${e.line}`));
  }
  return [...header, ...hunks];
}
