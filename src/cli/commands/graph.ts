import { usageError } from '../../core/errors.ts';
import { TENANT_SOURCES } from '../../core/tenant/contract.ts';
import { assertTenantName } from '../../core/tenant/name.ts';
import { defineCommand, positionals } from '../spec.ts';

export default defineCommand({
  name: 'graph',
  usage: 'kubectl mimt graph TENANT [--source mimt|kubeplus] [-o json|yaml|dot|svg]',
  description:
    "A tenant's objects and how they connect: a tree from the tenant through its Helm release to every " +
    'object of the release and what those own (ReplicaSets, pods, jobs, endpoint slices, claims), with ' +
    "mimt's policy objects, each with a one-word state; then the relations beyond ownership (which Service " +
    'selects which pods, which ConfigMaps and Secrets a pod uses, what an Ingress routes to, …). -o dot ' +
    'writes Graphviz, -o svg draws the picture without any program besides mimt. See docs/graph.md.',
  examples: [
    ['kubectl mimt graph acme', "Tenant acme's objects as a tree, then their relations"],
    ['kubectl mimt graph acme -o json', 'Nodes and typed edges (a TenantGraph)'],
    ['kubectl mimt graph acme -o svg > acme.svg', 'The picture, drawn in-process'],
    ['kubectl mimt graph acme -o dot | dot -Tpng > acme.png', "Graphviz's own dot, for other formats"],
  ],
  formats: ['table', 'json', 'yaml', 'dot', 'svg'],
  flags: {
    source: { type: 'string', choices: TENANT_SOURCES, describe: 'The source of the tenant, when both have the name' },
  },
  options(args) {
    const positional = positionals(args);
    if (positional.length !== 1) {
      throw usageError(
        `expected one tenant name, got ${positional.length}${positional.length ? `: ${positional.join(' ')}` : ''}`,
      );
    }
    return { tenant: assertTenantName(positional[0] as string), source: args.source };
  },
  run: async (options, context) => (await import('../../commands/graph.ts')).graph(options, context),
});
