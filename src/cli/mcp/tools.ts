import { z } from 'zod';
import { parseDuration } from '../../core/duration.ts';
import { usageError } from '../../core/errors.ts';
import { PROFILES } from '../../core/policy/settings.ts';
import { TENANT_SOURCES } from '../../core/tenant/contract.ts';
import { PHASE_ORDER } from '../../core/tenant/status.ts';

/** At most this many lines from the end of each container's log: an assistant's context is small. */
export const MAX_TAIL = 500;
/** How far back logs may reach over MCP. */
export const MAX_SINCE_MS = 24 * 3600 * 1000;
/** At most this many log lines in one answer, the newest; the rest are counted, not sent. */
export const MAX_LOG_LINES = 2000;

/**
 * What a tool runs: the command as typed after `kubectl mimt` and its arguments, so that the
 * tool goes through the parser and the checks the command line goes through.
 */
export interface Invocation {
  command: string[];
  argv: string[];
  /** list_tenants: only tenants in these status phases (ls has no such flag). */
  phases?: readonly string[];
  /** The tenant named, for the tools whose answer is not a document of the command's (logs). */
  tenant?: string;
}

/** A tool as the server registers it, whatever its input. */
export interface Tool {
  name: string;
  title: string;
  description: string;
  /** Changes the cluster: offered only with --allow-write. */
  write: boolean;
  /**
   * The kind of the document it returns, e.g. TenantList; none for the writing tools, whose
   * document depends on the outcome (a plan, or the tenant as installed).
   */
  kind?: string;
  input: z.ZodRawShape;
  invocation(input: Record<string, unknown>): Invocation;
}

interface TypedTool<S extends z.ZodRawShape> extends Omit<Tool, 'input' | 'invocation'> {
  input: S;
  invocation(input: z.infer<z.ZodObject<S>>): Invocation;
}

/** The SDK checks each call's arguments against `input` before the invocation sees them. */
const define = <S extends z.ZodRawShape>(tool: TypedTool<S>): Tool => ({
  ...tool,
  invocation: (input) => tool.invocation(input as z.infer<z.ZodObject<S>>),
});

/** One flag as the command line spells it; `--name=value` so that no value can pass for a flag. */
function flag(name: string, value: string | number | boolean | readonly string[] | undefined): string[] {
  if (value === undefined || value === false) return [];
  if (value === true) return [`--${name}`];
  if (Array.isArray(value)) return value.flatMap((v: string) => flag(name, v));
  return [`--${name}=${String(value)}`];
}

/** A positional after `--`, so that it is never read as a flag. */
const positional = (value: string | undefined): string[] => (value === undefined ? [] : ['--', value]);

const tenant = z.string().describe('The tenant name (the name `kubectl mimt ls` shows)');
const source = z
  .enum(TENANT_SOURCES)
  .optional()
  .describe('Only tenants of this source: mimt (installed by mimt) or kubeplus (KubePlus instances)');
const selector = z
  .string()
  .optional()
  .describe('A Kubernetes label selector on the tenant namespaces, e.g. tier=gold,region!=eu');
const regexes = (what: string) =>
  z.array(z.string()).optional().describe(`${what} (JavaScript regular expressions; any of them matches)`);

const listTenants = define({
  name: 'list_tenants',
  title: 'List tenants',
  description:
    'Every tenant of the cluster (one isolated Helm release per namespace, made by mimt or KubePlus) with its ' +
    'chart, version, status phase and reason, pod readiness, quota use and policy state. Returns a TenantList.',
  write: false,
  kind: 'TenantList',
  input: {
    selector,
    source,
    status: z
      .array(z.enum(PHASE_ORDER))
      .optional()
      .describe('Only tenants in these status phases, e.g. ["Failed", "Degraded"]'),
  },
  invocation: (input) => ({
    command: ['ls'],
    argv: [...flag('selector', input.selector), ...flag('source', input.source), '--output=json'],
    phases: input.status,
  }),
});

const describeTenant = define({
  name: 'describe_tenant',
  title: 'Describe a tenant',
  description:
    'One tenant in detail: its release, resources and their status, pods, URLs, policy summary and recent Warning events. Returns a Tenant.',
  write: false,
  kind: 'Tenant',
  input: { tenant, source },
  invocation: (input) => ({
    command: ['ls'],
    argv: [...flag('source', input.source), '--output=json', ...positional(input.tenant)],
  }),
});

const tenantMetrics = define({
  name: 'tenant_metrics',
  title: 'Tenant metrics',
  description:
    'CPU (cores) and memory (bytes) use per tenant from metrics.k8s.io, against requests, limits and quota, with ' +
    'pod health. A usage not measured yet is null, never zero. Returns a TenantMetricsList.',
  write: false,
  kind: 'TenantMetricsList',
  input: {
    tenant: tenant.optional().describe('One tenant; every tenant when left out'),
    selector,
    source,
    breakdown: z
      .enum(['tenants', 'pods', 'containers'])
      .optional()
      .describe('tenants (default), or also each pod, or each pod and container'),
  },
  invocation: (input) => ({
    command: ['metrics'],
    argv: [
      ...flag('selector', input.selector),
      ...flag('source', input.source),
      ...flag('pods', input.breakdown === 'pods'),
      ...flag('containers', input.breakdown === 'containers'),
      '--output=json',
      ...positional(input.tenant),
    ],
  }),
});

const tenantPolicy = define({
  name: 'tenant_policy',
  title: "A tenant's policy",
  description:
    "A tenant's isolation as it is: NetworkPolicies, ResourceQuotas, LimitRanges, RoleBindings, Pod Security " +
    'labels, what each allows, and quota used against hard. Returns a TenantPolicy.',
  write: false,
  kind: 'TenantPolicy',
  input: { tenant, source },
  invocation: (input) => ({
    command: ['policy', 'show'],
    argv: [...flag('source', input.source), '--output=json', ...positional(input.tenant)],
  }),
});

const auditPolicy = define({
  name: 'audit_policy',
  title: 'Audit tenant isolation',
  description:
    "Findings on tenant isolation with their severity (high, medium, low): open to other tenants' traffic, no " +
    'quota, pods above Pod Security, grants beyond the namespace, drift from the profile. Returns a PolicyAudit.',
  write: false,
  kind: 'PolicyAudit',
  input: { tenant: tenant.optional().describe('One tenant; every tenant when left out'), source },
  invocation: (input) => ({
    command: ['policy', 'audit'],
    argv: [
      ...flag('source', input.source),
      ...flag('all-namespaces', input.tenant === undefined),
      '--output=json',
      ...positional(input.tenant),
    ],
  }),
});

const tenantEvents = define({
  name: 'tenant_events',
  title: 'Tenant events',
  description:
    "A tenant's Kubernetes events (or every tenant's), as kubectl events shows them: the same event about " +
    'the same object is one item with a count, from the first time seen to the last. Returns a TenantEventList.',
  write: false,
  kind: 'TenantEventList',
  input: {
    tenant: tenant.optional().describe('One tenant; every tenant when left out'),
    selector,
    source,
    types: z
      .array(z.enum(['Warning', 'Normal']))
      .optional()
      .describe('Only events of these types, e.g. ["Warning"]'),
    for: z.string().optional().describe('Only events about this object: KIND/NAME, e.g. pod/web-1 or deploy/web'),
  },
  invocation: (input) => ({
    command: ['events'],
    argv: [
      ...flag('selector', input.selector),
      ...flag('source', input.source),
      ...flag('types', input.types?.join(',')),
      ...flag('for', input.for),
      ...flag('all-namespaces', input.tenant === undefined),
      '--output=json',
      ...positional(input.tenant),
    ],
  }),
});

const tenantGraph = define({
  name: 'tenant_graph',
  title: 'Tenant object graph',
  description:
    "A tenant's objects from its Helm release down to pods (what the release made and what those own), " +
    "mimt's policy objects, each with one word of state, and the typed relations between them (selects, " +
    'routes, mounts, env, runs-as, scales, binds, …). Returns a TenantGraph of nodes and edges.',
  write: false,
  kind: 'TenantGraph',
  input: { tenant, source },
  invocation: (input) => ({
    command: ['graph'],
    argv: [...flag('source', input.source), '--output=json', ...positional(input.tenant)],
  }),
});

/** A duration no longer than MAX_SINCE_MS, checked before the command's own check of its form. */
function boundedSince(since: string): string {
  if (parseDuration('since', since) > MAX_SINCE_MS) {
    throw usageError(`invalid value "${since}" for since: at most 24h over MCP`);
  }
  return since;
}

const tenantLogs = define({
  name: 'tenant_logs',
  title: 'Tenant logs',
  description:
    "The last lines of every container of a tenant's pods, merged in time order (no follow). tail and since " +
    `bound the answer; at most ${MAX_LOG_LINES} lines, the newest, are returned. Returns a TenantLogList.`,
  write: false,
  kind: 'TenantLogList',
  input: {
    tenant,
    tail: z.number().int().min(1).max(MAX_TAIL).describe(`Lines from the end of each container's log (1-${MAX_TAIL})`),
    since: z.string().describe('Only lines newer than this duration, e.g. 10m or 1h30m (at most 24h)'),
    container: regexes('Only containers whose name matches'),
    excludeContainer: regexes('No container whose name matches'),
    pod: regexes('Only pods whose name matches'),
    grep: regexes('Only lines that match'),
    selector: z.string().optional().describe('Only pods with these labels, e.g. app=web'),
    previous: z.boolean().optional().describe("The previous instance's logs (after a restart)"),
    includeInit: z.boolean().optional().describe('Init containers too'),
    source: source.describe('The source of the tenant, when both mimt and KubePlus have the name'),
  },
  invocation: (input) => ({
    command: ['logs'],
    tenant: input.tenant,
    argv: [
      ...flag('tail', input.tail),
      ...flag('since', boundedSince(input.since)),
      ...flag('container', input.container),
      ...flag('exclude-container', input.excludeContainer),
      ...flag('pod', input.pod),
      ...flag('grep', input.grep),
      ...flag('selector', input.selector),
      ...flag('previous', input.previous),
      ...flag('include-init', input.includeInit),
      ...flag('source', input.source),
      '--output=json',
      ...positional(input.tenant),
    ],
  }),
});

const dryRun = z
  .boolean()
  .describe('true: check everything and say what would change, changing nothing; false: change the cluster');
const settings = {
  profile: z.enum(PROFILES).optional().describe('The isolation profile'),
  quota: z.string().optional().describe('ResourceQuota, e.g. cpu=4,memory=8Gi,pods=50 (cpu and memory are requests)'),
  limits: z.string().optional().describe('Container defaults, e.g. requests.cpu=100m,limits.memory=512Mi'),
  owner: z.string().optional().describe('user:NAME or group:NAME, bound to the admin role in the tenant'),
};

const chartInput = {
  chart: z.string().describe('The chart: a directory, a .tgz, repo/name or oci://… (anything helm takes)'),
  version: z.string().optional().describe('The chart version (default: the latest helm finds)'),
};

const installTenant = define({
  name: 'install_tenant',
  title: 'Install or upgrade a tenant',
  description:
    'Install tenant TENANT from a Helm chart in its own isolated namespace, or upgrade it (a new version or ' +
    'values); the same call again changes nothing. Atomic: a failed install removes what it created. ' +
    'Returns a TenantPlan with dryRun, else the Tenant as installed. Never uninstalls.',
  write: true,
  input: {
    tenant,
    ...chartInput,
    values: z.array(z.string()).optional().describe('Values files on this machine, in order'),
    set: z.array(z.string()).optional().describe('Values as key=value, e.g. replicaCount=3'),
    ...settings,
    profile: settings.profile.describe('The isolation profile (default standard)'),
    wait: z.boolean().optional().describe('Wait until the release is ready'),
    timeout: z.string().optional().describe('How long Helm may take, e.g. 5m (the default)'),
    dryRun,
  },
  invocation: (input) => ({
    command: ['install'],
    argv: [
      ...flag('chart', input.chart),
      ...flag('version', input.version),
      ...flag('values', input.values),
      ...flag('set', input.set),
      ...flag('profile', input.profile),
      ...flag('quota', input.quota),
      ...flag('limits', input.limits),
      ...flag('owner', input.owner),
      ...flag('wait', input.wait),
      ...flag('timeout', input.timeout),
      ...flag('dry-run', input.dryRun),
      '--output=json',
      ...positional(input.tenant),
    ],
  }),
});

const planUpgrade = define({
  name: 'plan_upgrade',
  title: 'Plan an upgrade',
  description:
    'What upgrading every tenant on the chart (or those matching the selector) to a chart version would change, ' +
    'changing nothing: per tenant the objects added, removed and changed (each field, live value first), and the ' +
    "ones the upgrade would fail on, as the API server's dry run answers. Every tenant keeps its own values and " +
    'policy. Returns a TenantUpgradePlanList; each verdict is none, metadata (labels only), changes or fails.',
  write: false,
  kind: 'TenantUpgradePlanList',
  input: {
    ...chartInput,
    selector,
  },
  invocation: (input) => ({
    command: ['install'],
    argv: [
      ...flag('chart', input.chart),
      ...flag('version', input.version),
      ...flag('selector', input.selector),
      '--all',
      '--plan',
      '--output=json',
    ],
  }),
});

const applyTenantPolicy = define({
  name: 'apply_tenant_policy',
  title: "Apply a tenant's policy",
  description:
    "Render a tenant's isolation from a profile and apply it by server-side apply; settings left out come from " +
    "what the tenant recorded. Removes only mimt's own objects the profile no longer has. Returns a " +
    'TenantPolicyChange.',
  write: true,
  input: { tenant, ...settings, source, dryRun },
  invocation: (input) => ({
    command: ['policy', 'apply'],
    argv: [
      ...flag('profile', input.profile),
      ...flag('quota', input.quota),
      ...flag('limits', input.limits),
      ...flag('owner', input.owner),
      ...flag('source', input.source),
      ...flag('dry-run', input.dryRun),
      '--output=json',
      ...positional(input.tenant),
    ],
  }),
});

const tenants = z.array(z.string()).min(1).describe('The tenant names');

const suspendTenants = define({
  name: 'suspend_tenants',
  title: 'Suspend tenants',
  description:
    'Suspend tenants at zero cost: scale every Deployment and StatefulSet to 0 and suspend every CronJob, ' +
    'recording on each object what it was; a zero-pod quota keeps anything else from starting. PVCs, ' +
    'Services, Secrets and the release stay. Again changes nothing. Returns a TenantSuspendList.',
  write: true,
  input: { tenants, source, dryRun },
  invocation: (input) => ({
    command: ['suspend'],
    argv: [...flag('source', input.source), ...flag('dry-run', input.dryRun), '--output=json', '--', ...input.tenants],
  }),
});

const resumeTenants = define({
  name: 'resume_tenants',
  title: 'Resume tenants',
  description:
    'Resume suspended tenants: put back every replica count, CronJob and autoscaler bound that suspend ' +
    'recorded, and remove the zero-pod quota. Again changes nothing. Returns a TenantResumeList.',
  write: true,
  input: { tenants, source, dryRun },
  invocation: (input) => ({
    command: ['resume'],
    argv: [...flag('source', input.source), ...flag('dry-run', input.dryRun), '--output=json', '--', ...input.tenants],
  }),
});

export const TOOLS: readonly Tool[] = [
  listTenants,
  describeTenant,
  tenantMetrics,
  tenantPolicy,
  auditPolicy,
  tenantLogs,
  tenantEvents,
  tenantGraph,
  installTenant,
  planUpgrade,
  applyTenantPolicy,
  suspendTenants,
  resumeTenants,
];
