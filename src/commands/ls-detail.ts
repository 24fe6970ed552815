import { formatDuration } from '../core/duration.ts';
import type { Severity } from '../core/policy/audit.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { parseSelector } from '../core/kube/selector.ts';
import type { TenantSource } from '../core/tenant/contract.ts';
import { type TenantDetail, tenantDetail } from '../core/detail/detail.ts';
import { ReadReport } from '../core/kube/read.ts';
import { RECENT_EVENTS } from '../core/tenant/events.ts';
import { listTenants, tenantInventory } from '../core/tenant/inventory.ts';
import type { PodRow } from '../core/tenant/pods.ts';
import { resolveTenant } from '../core/tenant/resolve.ts';
import type { TenantUrl } from '../core/tenant/urls.ts';
import { type DescribeSection, renderDescribe } from '../output/describe.ts';
import type { Cell, Document, Tone } from '../output/result.ts';
import type { Snapshot } from './ls-watch.ts';
import {
  PHASE_TONE,
  type TenantView,
  formatRequestsCpu,
  formatRequestsMemory,
  statusText,
  tenantDocument,
  viewTenants,
} from './tenant-view.ts';

const SEVERITY_TONE: Record<Severity, Tone> = { high: 'red', medium: 'yellow', low: 'dim' };

const cell = (text: string, tone?: Tone): Cell => ({ text, tone });
const restartsOf = (row: PodRow): number => Number.parseInt(String(row.cells.Restarts ?? '0'), 10) || 0;

function age(now: number, stamp: string | null | undefined): string {
  return stamp ? formatDuration(now - Date.parse(stamp)) : '<unknown>';
}

function urlText(url: TenantUrl): string {
  if (url.url !== null) return url.url;
  return url.type === 'NodePort' ? `<node address>:${url.nodePort ?? '?'}` : '<pending>';
}

/** The Tenant object of the listing, with what only the detail view reads (docs/tenancy-contract.md). */
function detailDocument(view: TenantView, pods: readonly PodRow[], detail: TenantDetail): Record<string, unknown> {
  const document = tenantDocument(view);
  const podResources = pods.map((row) => ({
    kind: 'Pod',
    name: row.metadata.name,
    status: String(row.cells.Status ?? ''),
    ready: String(row.cells.Ready ?? ''),
    restarts: restartsOf(row),
    node: row.cells.Node && row.cells.Node !== '<none>' ? String(row.cells.Node) : null,
  }));
  return {
    ...document,
    status: {
      ...(document.status as Record<string, unknown>),
      resources: [...detail.resources, ...podResources],
      urls: detail.urls,
      events: detail.events,
      policy: detail.policy,
    },
  };
}

function fields(view: TenantView, detail: TenantDetail, now: number): [string, Cell][] {
  const { tenant, release, pods, status } = view;
  const chart = [tenant.chart ?? '<unknown>', tenant.chartVersion].filter(Boolean).join(' ');
  const releaseText = release
    ? `${tenant.release} (revision ${release.revision}, ${release.status})`
    : `${tenant.release ?? '<unknown>'} (no release record read)`;
  const quota = [
    ['requests.cpu', formatRequestsCpu(view)],
    ['requests.memory', formatRequestsMemory(view)],
  ].filter(([, use]) => use !== '-');
  const policy = detail.policy;
  const labels = Object.entries(tenant.labels).map(([k, v]) => `${k}=${v}`);
  const rows: [string, Cell | undefined][] = [
    ['Name', cell(tenant.name)],
    ['Namespace', cell(tenant.namespace)],
    ['Source', cell(tenant.source)],
    [
      'Kind',
      tenant.kind ? cell(`${tenant.kind} (instance in namespace ${tenant.instanceNamespace ?? '?'})`) : undefined,
    ],
    ['Chart', cell(tenant.chartRef && tenant.chartRef !== tenant.chart ? `${chart} from ${tenant.chartRef}` : chart)],
    ['Release', cell(releaseText)],
    ['Status', cell(statusText(view), PHASE_TONE[status.phase])],
    ['Reason', status.reason ? cell(status.reason) : undefined],
    ['Pods', cell(pods ? `${pods.ready}/${pods.total} ready, ${pods.restarts} restarts` : '<unknown>')],
    ['Quota', quota.length ? cell(quota.map(([name, use]) => `${name} ${use}`).join(', ')) : undefined],
    [
      'Policy',
      cell(
        `${policy.state}${policy.profile ? ` (profile ${policy.profile})` : ''}${policy.reason ? `: ${policy.reason}` : ''}`,
        policy.state === 'ok' ? 'green' : 'yellow',
      ),
    ],
    ['Age', cell(`${age(now, tenant.createdAt)}${tenant.createdAt ? ` (since ${tenant.createdAt})` : ''}`)],
    ['Labels', cell(labels.length ? labels.join(', ') : '<none>')],
    ['Problems', tenant.problems.length ? cell(tenant.problems.join('; '), 'yellow') : undefined],
  ];
  return rows.filter((row): row is [string, Cell] => row[1] !== undefined);
}

function sections(pods: readonly PodRow[], detail: TenantDetail, now: number): DescribeSection[] {
  const healthy = (status: string) => status === 'Running' || status === 'Completed';
  return [
    {
      title: 'Resources',
      headers: ['KIND', 'NAME', 'FROM', 'STATUS'],
      rows: detail.resources.map((r) => [
        cell(r.kind),
        cell(r.scope === 'cluster' ? `${r.name} (cluster-wide)` : r.scope ? `${r.scope}/${r.name}` : r.name),
        cell(r.origin === 'other' ? '-' : r.part ? `${r.origin} (${r.part === 'crd' ? 'crds/' : 'hook'})` : r.origin),
        cell(r.status, r.status === 'missing' ? 'red' : undefined),
      ]),
    },
    {
      title: 'Pods',
      headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'NODE'],
      rows: pods.map((row) => {
        const status = String(row.cells.Status ?? '');
        return [
          cell(row.metadata.name),
          cell(String(row.cells.Ready ?? '')),
          cell(status, healthy(status) ? undefined : 'red'),
          cell(String(row.cells.Restarts ?? '0')),
          cell(String(row.cells.Age ?? '')),
          cell(String(row.cells.Node ?? '<none>')),
        ];
      }),
    },
    {
      title: 'URLs',
      headers: ['URL', 'TYPE', 'OBJECT', 'NODE'],
      rows: detail.urls.map((u) => [
        cell(urlText(u), u.url === null ? 'yellow' : undefined),
        cell(u.type),
        cell(u.object),
        cell(u.node ?? ''),
      ]),
    },
    {
      title: 'Policy findings',
      headers: ['SEVERITY', 'RULE', 'OBJECT', 'MESSAGE'],
      rows: detail.policy.findings.map((f) => [
        cell(f.severity, SEVERITY_TONE[f.severity]),
        cell(f.rule),
        cell(f.object),
        cell(f.message),
      ]),
    },
    {
      title: 'Events',
      note: `Warning events, alike ones counted together, newest first (at most ${RECENT_EVENTS})`,
      headers: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      rows: detail.events.map((e) => [
        cell(`${age(now, e.lastSeen)}${e.count > 1 ? ` (x${e.count} over ${age(now, e.firstSeen)})` : ''}`),
        cell(e.type, 'yellow'),
        cell(e.reason),
        cell(e.object),
        cell(e.message.replace(/\s*\n\s*/g, ' ')),
      ]),
    },
  ];
}

/**
 * One tenant in detail, as `kubectl describe` would lay it out: what the listing says, then its
 * resources, pods, URLs, policy and recent Warning events. Replaces KubePlus's appresources,
 * appstatus and appurl; works the same on a KubePlus instance's namespace.
 */
export async function takeDetail(
  client: KubeClient,
  name: string,
  options: { selector?: string; source?: TenantSource },
  deps: { now(): Date },
): Promise<Snapshot<Document>> {
  const matches = options.selector ? parseSelector(options.selector) : () => true;
  const report = new ReadReport();
  const found = await listTenants(client, { names: [name] }, report);
  const tenant = resolveTenant(
    found.tenants.filter((t) => matches(t.labels)),
    name,
    options.source,
  );
  const inventory = await tenantInventory(client, tenant, report);
  const view = viewTenants({ ...inventory, kubePlusCharts: found.kubePlusCharts })[0] as TenantView;
  const pods = inventory.pods.get(tenant.namespace) ?? [];
  const detail = await tenantDetail(client, tenant, pods, report, view.release);
  const now = deps.now().getTime();
  return {
    frame: {
      type: 'document',
      document: detailDocument(view, pods, detail),
      name: `tenant/${tenant.name}`,
      text: ({ colour }) => renderDescribe(fields(view, detail, now), sections(pods, detail, now), colour),
      // The tenant's problems are part of the description (and of status.problems), not notes.
      warnings: report.lines(),
    },
    listedAt: inventory.listedAt,
    // The watches are those of the tenant's own namespace: every change in them counts.
    relevant: () => true,
  };
}
