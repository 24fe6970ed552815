import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { failure } from '../errors.ts';
import type { KubeClient } from '../kube/client.ts';

export interface HelmResult {
  stdout: string;
  stderr: string;
}

/** The lines of helm's error output that say why, without "Error: " and usage noise. */
export function helmReason(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(WARNING|walk\.go|coalesce\.go)/.test(l));
  const errors = lines.filter((l) => l.startsWith('Error:'));
  return (errors.length ? errors : lines)
    .slice(0, 4)
    .map((l) => l.replace(/^Error:\s*/, ''))
    .join('; ');
}

/**
 * Runs the helm CLI with an argument array (never a shell) against exactly the cluster, user and
 * impersonation that mimt itself uses: helm gets a private single-context kubeconfig file.
 */
export class Helm {
  private readonly client: KubeClient;
  private readonly binary: string;
  private major: Promise<number> | undefined;
  /**
   * Helm runs in a process group of its own, so that a Ctrl-C typed at the terminal reaches mimt
   * only and mimt decides what happens to the helm in flight (install --all lets it finish).
   */
  private readonly ownProcessGroup: boolean;

  constructor(client: KubeClient, binary = 'helm', options: { ownProcessGroup?: boolean } = {}) {
    this.client = client;
    this.binary = binary;
    this.ownProcessGroup = options.ownProcessGroup ?? false;
  }

  private connectionArgs(kubeconfig: string): string[] {
    const args = ['--kubeconfig', kubeconfig];
    const as = this.client.impersonation;
    if (as?.user) args.push('--kube-as-user', as.user);
    for (const group of as?.groups ?? []) args.push('--kube-as-group', group);
    return args;
  }

  /** Helm's major version: 3 and 4 name a few flags differently. */
  majorVersion(): Promise<number> {
    this.major ??= this.run(['version', '--short']).then((r) => Number(/^v(\d+)/.exec(r.stdout.trim())?.[1] ?? 3));
    return this.major;
  }

  /** The flag that rolls a failed upgrade back: --atomic in helm 3, --rollback-on-failure in helm 4. */
  async rollbackFlag(): Promise<string> {
    return (await this.majorVersion()) >= 4 ? '--rollback-on-failure' : '--atomic';
  }

  /**
   * The flags of an upgrade that must not wait for pods, because the tenant is suspended and its
   * pods never start: no --atomic or --rollback-on-failure, which wait for readiness whatever --wait
   * says (the caller rolls back itself, with rollbackWithoutPods). helm 4 also takes back fields that
   * suspend patched where the chart sets them, such as a CronJob's suspend.
   */
  async upgradeFlagsWithoutPods(): Promise<string[]> {
    return (await this.majorVersion()) >= 4 ? ['--wait=hookOnly', '--force-conflicts'] : [];
  }

  /** Rolls a release back to its previous revision without waiting for pods. */
  async rollbackWithoutPods(release: string, namespace: string): Promise<void> {
    await this.run(['rollback', release, '--namespace', namespace, ...(await this.upgradeFlagsWithoutPods())]);
  }

  async run(args: string[], options: { signal?: AbortSignal } = {}): Promise<HelmResult> {
    const dir = mkdtempSync(path.join(tmpdir(), 'mimt-helm-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, JSON.stringify(this.client.kubeconfig), { mode: 0o600 });
    try {
      const result = await execa(this.binary, [...args, ...this.connectionArgs(kubeconfig)], {
        reject: false,
        cancelSignal: options.signal,
        stdin: 'ignore',
        detached: this.ownProcessGroup,
      });
      if (result.failed) {
        if ((result as { code?: string }).code === 'ENOENT') {
          throw failure(`helm not found: "${this.binary}" is not on PATH`, {
            hint: 'install helm 3.8 or newer (helm 4 works), or put it on PATH',
          });
        }
        throw failure(`helm ${args[0]} failed: ${helmReason(String(result.stderr)) || `exit code ${result.exitCode}`}`);
      }
      return { stdout: String(result.stdout), stderr: String(result.stderr) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
