/**
 * KubePlus as the tests need it, without its operator: the CRDs in the shapes KubePlus creates
 * (ResourceComposition in workflows.kubeplus, one registered Kind in platformapi.kubeplus per
 * composition), instances with the status KubePlus writes, and tenant namespaces marked the way
 * KubePlus marks them. What KubePlus would install (the Helm release) the tests install with helm.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { CLUSTER_BIN, apply, clusterEnv, kubectl, waitFor } from './cluster.ts';
import { run } from './run.ts';

export const COMPOSITION_CRD = 'resourcecompositions.workflows.kubeplus';

/** A Kind registered through a ResourceComposition, e.g. {kind: 'WebappService', plural: 'webappservices'}. */
export interface KubePlusKind {
  kind: string;
  plural: string;
  /** The ResourceComposition that registers it, in `namespace`. */
  composition: string;
  namespace: string;
  chartName: string;
}

const schemaless = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

type Schema = Record<string, unknown>;

/**
 * The schema of one value as KubePlus derives it from a chart's values.yaml: the type of each value,
 * objects with the properties found (an empty one open to anything), arrays typed by their first item.
 */
function schemaOf(value: unknown): Schema {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (Array.isArray(value)) return { type: 'array', items: value.length ? schemaOf(value[0]) : { type: 'string' } };
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return { type: 'object', additionalProperties: true };
    return { type: 'object', properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaOf(v)])) };
  }
  return { type: 'string' };
}

/** A registered Kind's schema: spec from the chart's values.yaml, status two strings. */
export function kindSchema(chart: string): Schema {
  const values = load(readFileSync(path.join(chart, 'values.yaml'), 'utf8')) ?? {};
  return {
    type: 'object',
    properties: {
      spec: schemaOf(values),
      status: { type: 'object', properties: { helmrelease: { type: 'string' }, error: { type: 'string' } } },
    },
  };
}

function crd(
  group: string,
  kind: string,
  plural: string,
  labels: Record<string, string> = {},
  schema: Schema = schemaless,
) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, labels },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      // KubePlus writes status with plain updates, so the Kinds have no status subresource.
      versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
}

async function established(name: string): Promise<void> {
  await waitFor(`CRD ${name} to be established`, async () => {
    const result = await kubectl([
      'get',
      'crd',
      name,
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Established")].status}',
    ]);
    return result.stdout === 'True' ? true : undefined;
  });
}

/**
 * KubePlus's own CRD, shared by every test that pretends KubePlus is installed: applied when missing,
 * never removed (another test may be using it).
 */
export async function installCompositionCrd(): Promise<void> {
  await apply(JSON.stringify(crd('workflows.kubeplus', 'ResourceComposition', 'resourcecompositions')));
  await established(COMPOSITION_CRD);
}

/** A Kind of its own (unique name) with its ResourceComposition, as KubePlus registers one. */
export async function registerKind(options: {
  prefix: string;
  chartName: string;
  namespace?: string;
  /** The chart on disk: the Kind's spec schema is derived from its values.yaml, as KubePlus does. */
  chart?: string;
}): Promise<KubePlusKind> {
  await installCompositionCrd();
  const suffix = randomBytes(3).toString('hex');
  const kind = `${options.prefix}${suffix.toUpperCase()}Service`.replace(/^./, (c) => c.toUpperCase());
  const plural = `${kind.toLowerCase()}s`;
  const registered: KubePlusKind = {
    kind,
    plural,
    composition: `${kind.toLowerCase()}-composition`,
    namespace: options.namespace ?? 'default',
    chartName: options.chartName,
  };
  const schema = options.chart ? kindSchema(options.chart) : undefined;
  await apply(JSON.stringify(crd('platformapi.kubeplus', kind, plural, { 'registered-by': 'kubeplus' }, schema)));
  await established(`${plural}.platformapi.kubeplus`);
  await apply(
    JSON.stringify({
      apiVersion: 'workflows.kubeplus/v1alpha1',
      kind: 'ResourceComposition',
      metadata: { name: registered.composition, namespace: registered.namespace },
      spec: {
        newResource: {
          resource: { kind, group: 'platformapi.kubeplus', version: 'v1alpha1', plural },
          chartName: options.chartName,
          chartURL: `file:///${options.chartName}.tgz`,
        },
        respolicy: { spec: { policy: { quota: {} } } },
      },
      status: { status: 'New CRD defined' },
    }),
  );
  return registered;
}

/** A namespace of its own for KubePlus to run in (the operator's double labels it). */
export async function kubePlusHome(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', name]);
  return name;
}

/** Points the Kind's ResourceComposition at another chart, as a provider does to upgrade every instance. */
export async function setChartURL(kind: KubePlusKind, chartURL: string): Promise<void> {
  await kubectl([
    'patch',
    'resourcecomposition',
    kind.composition,
    '-n',
    kind.namespace,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { newResource: { chartURL } } }),
  ]);
}

/** KubePlus's release name for an instance: lower(Kind)-instance. */
export function kubePlusRelease(kind: KubePlusKind, instance: string): string {
  return `${kind.kind.toLowerCase()}-${instance}`;
}

/** The namespace of an instance as KubePlus marks it: the release name in literal double quotes. */
export function kubePlusNamespace(name: string, release: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { managedby: 'kubeplus' },
      annotations: { 'meta.helm.sh/release-name': `"${release}"` },
    },
  });
}

/**
 * An instance as KubePlus leaves it after installing it: labelled created-by=kubeplus, with
 * status.helmrelease "<namespace>:<release>" followed by the chart's notes, and its namespace
 * (named like the instance) labelled managedby=kubeplus and annotated with the release name in
 * the literal double quotes KubePlus writes.
 */
export async function kubePlusInstance(
  kind: KubePlusKind,
  name: string,
  labels: Record<string, string> = {},
): Promise<{ namespace: string; release: string }> {
  const release = kubePlusRelease(kind, name);
  await apply(kubePlusNamespace(name, release));
  await apply(
    JSON.stringify({
      apiVersion: 'platformapi.kubeplus/v1alpha1',
      kind: kind.kind,
      metadata: {
        name,
        namespace: kind.namespace,
        labels: { 'created-by': 'kubeplus', ...labels },
        annotations: { accountidentity: 'e2e' },
      },
      spec: { replicaCount: 2 },
      status: { helmrelease: `${name}:${release}\nThank you for installing ${kind.chartName}.` },
    }),
  );
  return { namespace: name, release };
}

/** Removes the Kind, its composition and its instances (the CRD's deletion takes the instances). */
export async function removeKind(kind: KubePlusKind): Promise<void> {
  await kubectl([
    'delete',
    'resourcecomposition',
    kind.composition,
    '-n',
    kind.namespace,
    '--ignore-not-found',
    '--wait=false',
  ]);
  await kubectl(['delete', 'crd', `${kind.plural}.platformapi.kubeplus`, '--ignore-not-found', '--wait=false']);
}

/**
 * How many ResourceCompositions (KubePlus Kinds) the cluster has, each costing listings a request;
 * 0 before any test has installed the CRD.
 */
export async function compositionCount(): Promise<number> {
  const result = await run(path.join(CLUSTER_BIN, 'kubectl'), ['get', COMPOSITION_CRD, '-A', '-o', 'json'], {
    env: clusterEnv(),
  });
  if (result.exitCode !== 0) {
    if (/doesn't have a resource type/.test(result.stderr)) return 0;
    throw new Error(`kubectl get ${COMPOSITION_CRD}: ${result.stderr.trim()}`);
  }
  return (JSON.parse(result.stdout) as { items: unknown[] }).items.length;
}
