/**
 * Checks a value against a CRD's structural schema (OpenAPI v3, the subset the API server accepts
 * for CRDs) without sending it: for a dry run where the server must not see the object. It checks
 * what the API server would refuse or silently drop: types, enums, required fields and fields the
 * schema does not name (pruned by the server unless the schema keeps unknown fields).
 */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: boolean | StructuralSchema;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function fits(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Every way `value` breaks `schema`, as "<path>: <rule>" lines; empty when it fits. */
export function schemaProblems(value: unknown, schema: StructuralSchema, path: string): string[] {
  if (value === null) return schema.nullable ? [] : [`${path}: must not be null`];
  if (schema['x-kubernetes-int-or-string']) {
    return fits('integer', value) || fits('string', value) ? [] : [`${path}: must be an integer or a string`];
  }
  if (schema.type && !fits(schema.type, value)) return [`${path}: must be ${schema.type}, not ${typeOf(value)}`];
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    return [`${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`];
  }
  if (Array.isArray(value)) {
    return schema.items
      ? value.flatMap((item, i) => schemaProblems(item, schema.items as StructuralSchema, `${path}[${i}]`))
      : [];
  }
  if (typeOf(value) !== 'object') return [];
  const object = value as Record<string, unknown>;
  const problems = (schema.required ?? [])
    .filter((field) => object[field] === undefined)
    .map((field) => `${path}.${field}: required`);
  const keepsUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const [field, inner] of Object.entries(object)) {
    const named = schema.properties?.[field];
    const extra = schema.additionalProperties;
    if (named) problems.push(...schemaProblems(inner, named, `${path}.${field}`));
    else if (typeof extra === 'object') problems.push(...schemaProblems(inner, extra, `${path}.${field}`));
    else if (extra !== true && !keepsUnknown && schema.properties !== undefined) {
      problems.push(`${path}.${field}: not in the schema (the API server would drop it)`);
    }
  }
  return problems;
}
