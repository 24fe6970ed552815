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
  ls: {
    summary: 'List tenants and their state, or show one tenant in detail',
    load: async () => (await import('./commands/ls.ts')).default as CommandSpec<never>,
  },
};
