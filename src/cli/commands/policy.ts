import { PROFILES } from '../../core/policy/settings.ts';
import { defineGroup } from '../spec.ts';
import { allow, deny } from './policy/allow.ts';
import apply from './policy/apply.ts';
import audit from './policy/audit.ts';
import diff from './policy/diff.ts';
import kubeconfig from './policy/kubeconfig.ts';
import show from './policy/show.ts';

export default defineGroup({
  name: 'policy',
  description: [
    `A tenant's isolation, rendered from a profile (${PROFILES.join(', ')}): NetworkPolicies, a ResourceQuota,`,
    'a LimitRange, Pod Security labels and an owner binding; the traffic tenants may send each other;',
    "and kubeconfigs for a tenant's own users.",
  ].join('\n'),
  examples: [
    ['kubectl mimt policy show acme', 'What isolates tenant acme, and its quota use'],
    ['kubectl mimt policy apply acme --profile strict', 'Tighten a tenant'],
    ['kubectl mimt policy audit -A -o json', 'Every tenant, for CI (exit 3 on a high finding)'],
  ],
  subcommands: { show, apply, diff, audit, allow, deny, kubeconfig },
});
