import type { CommandSpec } from './spec.ts';

/** Every command of the suite, loaded on demand so that one command never pays for another. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandSpec<never>> }> = {
  install: {
    summary: 'Install or upgrade a tenant instance from a Helm chart, isolated, atomically',
    load: async () => (await import('./commands/install.ts')).default as CommandSpec<never>,
  },
  uninstall: {
    summary: 'Remove a tenant: its Helm release, then its namespace',
    load: async () => (await import('./commands/uninstall.ts')).default as CommandSpec<never>,
  },
  logs: {
    summary: 'Print or follow the logs of every pod and container of a tenant',
    load: async () => (await import('./commands/logs.ts')).default as CommandSpec<never>,
  },
  ls: {
    summary: 'List tenants and their state, or show one tenant in detail',
    load: async () => (await import('./commands/ls.ts')).default as CommandSpec<never>,
  },
  metrics: {
    summary: 'CPU and memory use per tenant against requests, limits and quota',
    load: async () => (await import('./commands/metrics.ts')).default as CommandSpec<never>,
  },
  policy: {
    summary: 'Show, apply, diff and audit tenant isolation; open traffic; give tenant users a kubeconfig',
    load: async () => (await import('./commands/policy.ts')).default as CommandSpec<never>,
  },
  version: {
    summary: "Print mimt's version and commit, its Node.js, and the server's Kubernetes version",
    load: async () => (await import('./commands/version.ts')).default as CommandSpec<never>,
  },
  completion: {
    summary: "Print a shell's completion script for mimt's executables",
    load: async () => (await import('./commands/completion.ts')).default as CommandSpec<never>,
  },
};
