import { usageError } from '../errors.ts';

type Requirement = { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    else if (text[i] === ')') depth -= 1;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function requirement(part: string, selector: string): Requirement {
  const bad = (why: string) => usageError(`invalid label selector "${selector}": ${why} in "${part}"`);
  const check = (key: string, values: string[]): void => {
    if (!KEY.test(key)) throw bad(`"${key}" is not a label key`);
    const wrong = values.find((v) => !VALUE.test(v) || v.length > 63);
    if (wrong !== undefined) throw bad(`"${wrong}" is not a label value`);
  };
  let match = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (match) {
    const values = (match[3] as string).split(',').map((v) => v.trim());
    check(match[1] as string, values);
    return { key: match[1] as string, op: match[2] as 'in' | 'notin', values };
  }
  match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (match) {
    check(match[1] as string, [match[3] as string]);
    return { key: match[1] as string, op: match[2] === '!=' ? 'notin' : 'in', values: [match[3] as string] };
  }
  match = /^(!?)\s*([^=!\s()]+)$/.exec(part);
  if (match) {
    check(match[2] as string, []);
    return { key: match[2] as string, op: match[1] ? '!exists' : 'exists' };
  }
  throw bad('unknown operator');
}

/**
 * A label selector in kubectl's syntax (`a=b,c!=d,e in (f,g),!h`), matched in memory when the objects
 * were already fetched for other reasons.
 */
export function parseSelector(selector: string): (labels: Record<string, string>) => boolean {
  const requirements = splitTopLevel(selector).map((part) => requirement(part, selector));
  return (labels) =>
    requirements.every((r) => {
      const value = labels[r.key];
      switch (r.op) {
        case 'exists':
          return value !== undefined;
        case '!exists':
          return value === undefined;
        case 'in':
          return value !== undefined && r.values.includes(value);
        case 'notin':
          return value === undefined || !r.values.includes(value);
      }
    });
}
