const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?\d+(?:\.\d*)?|[+-]?\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** A Kubernetes resource quantity ("250m", "1.5Gi", "2e3") as a number in base units, or undefined. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const base = Number(match[1]);
  if (match[2]) return base * 10 ** Number(match[2].slice(1));
  return base * (SUFFIX[match[3] ?? ''] as number);
}

/** CPU as kubectl shows it: whole cores when whole, millicores otherwise. */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Memory in the largest binary unit that keeps at least one whole unit (e.g. 1.5Gi, 256Mi). */
export function formatBytes(bytes: number): string {
  const units = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];
  for (let i = 0; i < units.length; i += 1) {
    const size = 2 ** (10 * (6 - i));
    if (bytes >= size) {
      const value = bytes / size;
      return `${Number.isInteger(value) ? value : value.toFixed(1).replace(/\.0$/, '')}${units[i]}`;
    }
  }
  return String(Math.round(bytes));
}

/**
 * Drops the noise that binary floating point adds to sums of decimal quantities (0.1 + 0.2): 15
 * significant digits keep nanocores and bytes exact up to a petabyte.
 */
export function tidy(value: number): number;
export function tidy(value: number | null): number | null;
export function tidy(value: number | null): number | null {
  return value === null ? null : Number(value.toPrecision(15));
}
