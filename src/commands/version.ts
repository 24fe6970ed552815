import { BUILD_INFO } from '../core/build-info.ts';
import type { KubeClient } from '../core/kube/client.ts';
import type { Document } from '../output/result.ts';
import { API_VERSION } from '../views/document.ts';

export interface VersionOptions {
  /** Only what the executable knows of itself: no kubeconfig read, no request (as --version). */
  client: boolean;
}

export interface VersionDeps {
  kube(): Promise<KubeClient>;
}

/** `version` must answer at once even when the cluster does not: the server gets this long. */
export const SERVER_VERSION_TIMEOUT_MS = 2000;

const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386' };

async function serverVersion(deps: VersionDeps): Promise<{ version: string; reason?: string }> {
  try {
    const client = await deps.kube();
    const answer = await client.request<{ gitVersion?: string }>({
      path: '/version',
      signal: AbortSignal.timeout(SERVER_VERSION_TIMEOUT_MS),
    });
    return { version: answer.gitVersion ?? 'unknown' };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = timedOut
      ? `no answer within ${SERVER_VERSION_TIMEOUT_MS / 1000}s`
      : error instanceof Error
        ? error.message
        : String(error);
    return { version: 'unreachable', reason };
  }
}

async function standalone(): Promise<boolean> {
  const { isSea } = await import('node:sea');
  return isSea();
}

export async function version(options: VersionOptions, deps: VersionDeps): Promise<Document> {
  const server = options.client ? undefined : await serverVersion(deps);
  const fields = {
    version: BUILD_INFO.version,
    commit: BUILD_INFO.commit,
    nodeVersion: process.version,
    platform: `${process.platform}/${GO_ARCH[process.arch] ?? process.arch}`,
    standalone: await standalone(),
    ...(server ? { serverVersion: server.version } : {}),
  };
  const rows: [string, string][] = [
    ['Version', fields.version],
    ['Commit', fields.commit],
    ['Node.js', `${fields.nodeVersion}${fields.standalone ? ' (built into this executable)' : ''}`],
    ['Platform', fields.platform],
    ...(server ? [['Server', server.version] as [string, string]] : []),
  ];
  return {
    type: 'document',
    document: { apiVersion: API_VERSION, kind: 'Version', ...fields },
    name: `version/${fields.version}`,
    text: rows.map(([label, value]) => ({ text: `${`${label}:`.padEnd(10)}${value}` })),
    warnings: server?.reason ? [`warning: the server's version is unknown: ${server.reason}`] : [],
  };
}
