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
