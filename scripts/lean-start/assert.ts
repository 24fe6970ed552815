/**
 * The two assertions yargs makes, without node:assert (loading it sets up stderr and colours: about 5 ms).
 * yargs asserts how it is called, and that its package.json lookup found a file, which it catches.
 */
type Check = (actual: unknown, expected: unknown, message?: string) => void;

export const strictEqual: Check = (actual, expected, message) => {
  if (actual !== expected) throw new Error(message ?? `expected ${String(expected)}, got ${String(actual)}`);
};

export const notStrictEqual: Check = (actual, expected, message) => {
  if (actual === expected) throw new Error(message ?? `expected anything but ${String(expected)}`);
};
