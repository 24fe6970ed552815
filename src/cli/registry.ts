import type { Command } from './spec.ts';

/**
 * Every command of the suite, loaded on demand so that one command never pays for another. This is
 * the one place a command is registered: its executable (plugins/), package.json's bins and the Krew
 * manifest's list must agree with it, which test/unit/registry.test.ts checks.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  install: {
    summary: 'Install or upgrade a tenant instance from a Helm chart, isolated, atomically',
    load: async () => (await import('./commands/install.ts')).default,
  },
  uninstall: {
    summary: 'Remove a tenant: its Helm release, then its namespace',
    load: async () => (await import('./commands/uninstall.ts')).default,
  },
  adopt: {
    summary: 'Make a Helm release installed without mimt a mimt tenant, without a new revision',
    load: async () => (await import('./commands/adopt.ts')).default,
  },
  suspend: {
    summary: 'Scale a tenant to zero and suspend its CronJobs, recording what to restore',
    load: async () => (await import('./commands/suspend.ts')).default,
  },
  resume: {
    summary: 'Restore a suspended tenant exactly as suspend recorded it',
    load: async () => (await import('./commands/resume.ts')).default,
  },
  logs: {
    summary: 'Print or follow the logs of every pod and container of a tenant',
    load: async () => (await import('./commands/logs.ts')).default,
  },
  ls: {
    summary: 'List tenants and their state, or show one tenant in detail',
    load: async () => (await import('./commands/ls.ts')).default,
  },
  events: {
    summary: "A tenant's events as kubectl events shows them, grouped, across tenants with -A",
    load: async () => (await import('./commands/events.ts')).default,
  },
  graph: {
    summary: "A tenant's objects and how they connect: a tree, typed relations, Graphviz or SVG",
    load: async () => (await import('./commands/graph.ts')).default,
  },
  metrics: {
    summary: 'CPU and memory use per tenant against requests, limits and quota',
    load: async () => (await import('./commands/metrics.ts')).default,
  },
  policy: {
    summary: 'Show, apply, diff and audit tenant isolation; open traffic; give tenant users a kubeconfig',
    load: async () => (await import('./commands/policy.ts')).default,
  },
  version: {
    summary: "Print mimt's version and commit, its Node.js, and the server's Kubernetes version",
    load: async () => (await import('./commands/version.ts')).default,
  },
  mcp: {
    summary: "Serve mimt's commands as tools to an AI assistant (Model Context Protocol, stdio)",
    load: async () => (await import('./commands/mcp.ts')).default,
  },
  completion: {
    summary: "Print a shell's completion script for mimt's executables",
    load: async () => (await import('./commands/completion.ts')).default,
  },
};
