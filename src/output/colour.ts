import type { Tone } from './result.ts';

const CODES: Record<Tone, [number, number]> = {
  green: [32, 39],
  yellow: [33, 39],
  red: [31, 39],
  dim: [2, 22],
};

export type ColourMode = 'auto' | 'always' | 'never';

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org), unless forced. */
export function colourEnabled(mode: ColourMode, isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function paint(text: string, tone: Tone | undefined, enabled: boolean): string {
  if (!enabled || !tone) return text;
  const [open, close] = CODES[tone];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Hues that tell many items apart (pods in a log), basic then bright; no red, which reads as an error. */
const DISTINCT = [36, 32, 35, 33, 34, 96, 92, 95, 93, 94];

/** Colours `text` by `name`: the same name always gets the same colour, in every run. */
export function paintByName(text: string, name: string, enabled: boolean): string {
  if (!enabled) return text;
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return `\u001b[${DISTINCT[hash % DISTINCT.length]}m${text}\u001b[39m`;
}
