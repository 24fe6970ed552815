/** One field that differs between two versions of an object; an absent side is undefined. */
export interface FieldChange {
  /** Where, as kubectl explain and jsonpath write it: spec.template.spec.containers[name=web].image. */
  path: string;
  before?: unknown;
  after?: unknown;
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A map key as a path step: plain words dotted, the rest (labels, annotations) in brackets. */
const step = (path: string, key: string): string =>
  /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/**
 * The items of a list keyed by their `name` when every item has a distinct one (containers, env,
 * ports, volumes): the API server merges such lists by name, so a container added in front is one
 * added container, not every container changed. Undefined for lists compared by position.
 */
function byName(list: unknown[]): Map<string, unknown> | undefined {
  const named = new Map<string, unknown>();
  for (const item of list) {
    if (!isMap(item) || typeof item.name !== 'string' || named.has(item.name)) return undefined;
    named.set(item.name, item);
  }
  return named;
}

/**
 * Every leaf that differs between `before` and `after`, in key order. A field on one side only is a
 * change with the other side undefined; a whole map or list added or removed is one change.
 */
export function fieldChanges(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => fieldChanges(before[key], after[key], step(path, key)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const [old, now] = [byName(before), byName(after)];
    if (old && now) {
      const names = [...old.keys(), ...[...now.keys()].filter((n) => !old.has(n))];
      return names.flatMap((name) => fieldChanges(old.get(name), now.get(name), `${path}[name=${name}]`));
    }
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => fieldChanges(before[i], after[i], `${path}[${i}]`)).flat();
  }
  // Maps and lists were walked above: what is left are scalars, or a field that changed its type.
  if (before === after) return [];
  return [
    { path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) } as FieldChange,
  ];
}
