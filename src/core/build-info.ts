/** What scripts/build.ts stamps into the bundle: esbuild replaces MIMT_BUILD with an object literal. */
declare const MIMT_BUILD: { version: string; commit: string } | undefined;

export interface BuildInfo {
  /** The package version (package.json) the bundle was built from. */
  version: string;
  /** The git commit of the build, or "unknown" when it was not built from a git checkout. */
  commit: string;
}

/** Run from source (tests) nothing was stamped, and the version is as unknown as the commit. */
export const BUILD_INFO: BuildInfo =
  typeof MIMT_BUILD === 'object' ? MIMT_BUILD : { version: 'unknown', commit: 'unknown' };
