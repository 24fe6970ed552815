import type { TenantDetail } from '../core/detail/detail.ts';
import { formatDuration } from '../core/duration.ts';
import type { Severity } from '../core/policy/audit.ts';
import { RECENT_EVENTS } from '../core/tenant/events.ts';
import type { PodRow } from '../core/tenant/pods.ts';
import type { TenantUrl } from '../core/tenant/urls.ts';
import type { Cell, DescribeSection, Document, Tone } from '../output/result.ts';
import {
  PHASE_TONE,
  type TenantView,
  formatRequestsCpu,
  formatRequestsMemory,
  statusText,
  tenantDocument,
} from './tenant.ts';

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
    ['Status', cell(statusText(view, now), PHASE_TONE[status.phase])],
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

/** `ls TENANT`: kubectl describe's layout for a terminal, the Tenant object with its detail for -o json|yaml. */
export function tenantDescription(
  view: TenantView,
  pods: readonly PodRow[],
  detail: TenantDetail,
  now: number,
  warnings: string[],
): Document {
  return {
    type: 'document',
    document: detailDocument(view, pods, detail),
    name: `tenant/${view.tenant.name}`,
    text: [{ fields: fields(view, detail, now), sections: sections(pods, detail, now) }],
    warnings,
  };
}
