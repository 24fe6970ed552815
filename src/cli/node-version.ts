/**
 * Imported first by every executable: on an older Node.js the first newer API would fail with a
 * stack trace, so say plainly what is needed instead. Loads nothing itself.
 */

/** package.json's engines.node (test/unit/node-version.test.ts keeps the two the same). */
export const MINIMUM_NODE = '22.19.0';

export function nodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [needMajor = 0, needMinor = 0] = MINIMUM_NODE.split('.').map(Number);
  return major < needMajor || (major === needMajor && minor < needMinor);
}

if (nodeTooOld(process.versions.node)) {
  process.stderr.write(
    `error: kubectl-mimt needs Node.js ${MINIMUM_NODE} or newer, and this is Node.js ${process.version}\n` +
      'Install a newer Node.js, or the standalone executable (kubectl krew install mimt), which brings its own.\n',
  );
  process.exit(1);
}
