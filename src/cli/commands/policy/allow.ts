import { usageError } from '../../../core/errors.ts';
import { assertTenantName } from '../../../core/tenant/name.ts';
import { defineCommand } from '../../spec.ts';
import { POLICY_FORMATS, SOURCE_FLAG, positionalsOf } from './settings.ts';

const NOT_ENFORCED =
  'NetworkPolicies take effect only where the network plugin enforces them; on the simulated test ' +
  'cluster they are stored and checked, not enforced.';

/** FROM and TO, two different tenants. */
function fromTo(command: string, args: { _: (string | number)[] }): { from: string; to: string } {
  const [from, to] = positionalsOf(command, args, ['FROM', 'TO']).map(assertTenantName) as [string, string];
  if (from === to) throw usageError(`FROM and TO are both "${from}": a tenant's own traffic is the profile's business`);
  return { from, to };
}

function port(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw usageError(`invalid --port "${text}": use a TCP port number from 1 to 65535`);
  }
  return Number(text);
}

export const allow = defineCommand({
  name: 'policy allow',
  summary: 'Open traffic from tenant FROM to tenant TO with a labelled NetworkPolicy',
  usage: 'kubectl mimt policy allow FROM TO [--port P] [flags]',
  description: [
    'Let the pods of tenant FROM reach the pods of tenant TO (on one TCP port with --port): a labelled',
    "NetworkPolicy in TO's namespace, and in FROM's an egress one when FROM's profile limits egress.",
    NOT_ENFORCED,
  ].join('\n'),
  examples: [['kubectl mimt policy allow frontend backend --port 8080', 'Let tenant frontend reach backend on 8080']],
  formats: POLICY_FORMATS,
  flags: { port: { type: 'string', describe: 'Only this TCP port' }, ...SOURCE_FLAG },
  options: (args) => ({ ...fromTo('policy allow', args), port: port(args.port), source: args.source }),
  run: async (options, context) => (await import('../../../commands/policy/allow.ts')).allow(options, context),
});

export const deny = defineCommand({
  name: 'policy deny',
  summary: 'Close again what policy allow opened',
  usage: 'kubectl mimt policy deny FROM TO [flags]',
  description: ['Remove the NetworkPolicies that policy allow made for traffic from FROM to TO.', NOT_ENFORCED].join(
    '\n',
  ),
  examples: [['kubectl mimt policy deny frontend backend', 'Tenant frontend may no longer reach backend']],
  formats: POLICY_FORMATS,
  flags: { ...SOURCE_FLAG },
  options: (args) => ({ ...fromTo('policy deny', args), source: args.source }),
  run: async (options, context) => (await import('../../../commands/policy/allow.ts')).deny(options, context),
});
