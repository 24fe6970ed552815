import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import eventsSpec from '../../src/cli/commands/events.ts';
import type { ParsedArgs } from '../../src/cli/spec.ts';
import { kindOfWord } from '../../src/core/kube/resources.ts';
import { groupEvents } from '../../src/core/tenant/events.ts';
import { eventFieldSelector } from '../../src/core/tenant/events-read.ts';
import { render } from '../../src/output/render.ts';
import { eventListing } from '../../src/views/events.ts';

const event = (name: string, namespace: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name, namespace, uid: name, creationTimestamp: '2026-01-01T00:00:00Z' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container\n',
  involvedObject: { kind: 'Pod', name: 'web-0' },
  source: { component: 'kubelet' },
  ...extra,
});

const tenants = new Map([
  ['acme', 'acme'],
  ['globex-ns', 'globex'],
]);
const tenantOf = (ns: string) => tenants.get(ns);

describe('events grouped as one line per object, type, reason and message', () => {
  const items = [
    event('a', 'acme', { count: 3, firstTimestamp: '2026-01-01T10:00:00Z', lastTimestamp: '2026-01-01T10:05:00Z' }),
    event('b', 'acme', { count: 2, firstTimestamp: '2026-01-01T09:00:00Z', lastTimestamp: '2026-01-01T10:20:00Z' }),
    // events.k8s.io style: no count, a series, eventTime instead of firstTimestamp.
    event('c', 'acme', {
      eventTime: '2026-01-01T08:00:00.000000Z',
      series: { count: 4, lastObservedTime: '2026-01-01T10:10:00.000000Z' },
    }),
    event('other-reason', 'acme', { reason: 'Unhealthy', lastTimestamp: '2026-01-01T10:30:00Z' }),
    event('other-pod', 'acme', { involvedObject: { kind: 'Pod', name: 'web-1' } }),
    event('globex', 'globex-ns', { type: 'Normal', reason: 'Pulled', message: 'pulled' }),
    event('not-a-tenant', 'kube-system'),
  ];
  const groups = groupEvents(items, tenantOf);

  it('adds up the counts, from the first time seen to the last', () => {
    const backOff = groups.find((g) => g.reason === 'BackOff' && g.object.name === 'web-0');
    assert.deepEqual(backOff, {
      tenant: 'acme',
      namespace: 'acme',
      type: 'Warning',
      reason: 'BackOff',
      object: { kind: 'Pod', name: 'web-0' },
      message: 'Back-off restarting failed container',
      count: 9,
      firstSeen: '2026-01-01T08:00:00.000000Z',
      lastSeen: '2026-01-01T10:20:00Z',
      source: 'kubelet',
    });
  });

  it('keeps apart what differs, names the tenant of the namespace and leaves out other namespaces', () => {
    assert.equal(groups.length, 4);
    assert.deepEqual(groups.map((g) => `${g.tenant} ${g.reason} ${g.object.name}`).sort(), [
      'acme BackOff web-0',
      'acme BackOff web-1',
      'acme Unhealthy web-0',
      'globex Pulled web-0',
    ]);
  });

  it('prints kubectl events columns, oldest first, LAST SEEN with the count over the time span', () => {
    const now = Date.parse('2026-01-01T10:30:00Z');
    const shown = eventListing(groups, true, now, []);
    const text = render(shown, { format: 'table', noHeaders: false, colour: false }).stdout.split('\n');
    assert.match(text[0] ?? '', /^TENANT\s+LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    const backOff = text.find((line) => line.includes('Pod/web-0') && line.includes('BackOff')) ?? '';
    assert.match(backOff, /^acme\s+10m \(x9 over 150m\)\s+Warning\s+BackOff\s+Pod\/web-0\s+Back-off restarting/);
    assert.match(text.at(-2) ?? '', /Unhealthy/, 'the newest is last');
    const one = render(eventListing(groups.slice(0, 1), false, now, []), {
      format: 'table',
      noHeaders: false,
      colour: false,
    });
    assert.match(one.stdout, /^LAST SEEN\s+TYPE/, 'no TENANT column for one tenant');
    const wide = render(shown, { format: 'wide', noHeaders: false, colour: false }).stdout;
    assert.match(wide.split('\n')[0] ?? '', /MESSAGE\s+NAMESPACE\s+FIRST SEEN\s+COUNT\s+SOURCE$/);
  });
});

describe('events flags', () => {
  const options = (extra: Partial<Record<string, unknown>>, positional: string[] = []) =>
    eventsSpec.options(
      {
        _: positional,
        allNamespaces: false,
        watch: false,
        noHeaders: false,
        ...extra,
      } as unknown as ParsedArgs<typeof eventsSpec.flags>,
      'table',
    );

  it('takes --types in any case and --for as kubectl names kinds', () => {
    const parsed = options({ types: 'warning', for: 'deploy/web' }, ['acme']);
    assert.deepEqual(parsed.types, ['Warning']);
    assert.deepEqual(parsed.involved, { kind: 'Deployment', name: 'web' });
    assert.equal(eventFieldSelector(parsed), 'type=Warning,involvedObject.kind=Deployment,involvedObject.name=web');
    assert.equal(eventFieldSelector({ types: ['Normal', 'Warning'] }), undefined, 'both types: no filter');
    assert.equal(kindOfWord('statefulsets'), 'StatefulSet');
    assert.equal(kindOfWord('Gadget'), 'Gadget');
  });

  it('refuses a bad type, a bad --for, both TENANT and -A, and neither', () => {
    assert.throws(
      () => options({ types: 'Error' }, ['acme']),
      /invalid event type "Error" in --types: use Normal, Warning/,
    );
    assert.throws(() => options({ for: 'web' }, ['acme']), /invalid value "web" for --for: use KIND\/NAME/);
    assert.throws(() => options({ for: 'gizmo/x' }, ['acme']), /unknown kind "gizmo" in --for/);
    assert.throws(() => options({ allNamespaces: true }, ['acme']), /give a TENANT or -A, not both/);
    assert.throws(() => options({}), /events needs a TENANT, or -A for every tenant/);
  });
});
