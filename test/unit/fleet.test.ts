import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClusterProfile, matchProfiles, normalizeServer } from '../../src/core/fleet/inventory.ts';
import { render } from '../../src/output/render.ts';
import { type Listing, listing } from '../../src/output/result.ts';
import { mergeListings } from '../../src/views/fleet.ts';

function profile(name: string, status: ClusterProfile['status']): ClusterProfile {
  return { metadata: { name, namespace: 'fleet' }, status };
}

describe('the cluster inventory', () => {
  const contexts = [
    { name: 'eu-1', server: 'https://EU-1.example:6443/' },
    { name: 'eu-1-admin', server: 'https://eu-1.example:6443' },
    { name: 'us-1', server: 'https://us-1.example' },
  ];

  it('matches each ClusterProfile to the first context on the same server, whatever the case or slash', () => {
    const match = matchProfiles(
      [
        profile('eu', { accessProviders: [{ name: 'kubeconfig', cluster: { server: 'https://eu-1.example:6443' } }] }),
        // The field's older name, still written by some cluster managers.
        profile('us', { credentialProviders: [{ name: 'token', cluster: { server: 'https://us-1.example/' } }] }),
      ],
      contexts,
    );
    assert.deepEqual(match.clusters, [
      { profile: 'fleet/eu', context: 'eu-1' },
      { profile: 'fleet/us', context: 'us-1' },
    ]);
    assert.deepEqual(match.unmatched, []);
  });

  it('reports a profile no context reaches, or one without a server, rather than guessing', () => {
    const match = matchProfiles(
      [
        profile('ap', { accessProviders: [{ name: 'kubeconfig', cluster: { server: 'https://ap-1.example' } }] }),
        profile('bare', {}),
      ],
      contexts,
    );
    assert.deepEqual(match.clusters, []);
    assert.deepEqual(match.unmatched, [
      { profile: 'fleet/ap', reason: 'no kubeconfig context has server https://ap-1.example' },
      { profile: 'fleet/bare', reason: 'its status names no server (accessProviders)' },
    ]);
    assert.equal(normalizeServer('https://Host:443/path/'), 'https://host/path');
  });
});

describe('merging the answers of several clusters', () => {
  interface Row {
    name: string;
    cpu: number;
  }
  const answer = (rows: Row[], extra: Partial<Listing> = {}): Listing => ({
    ...listing(rows, [{ header: 'TENANT', value: (r) => r.name }], {
      document: { apiVersion: 'mimt.io/v1alpha1', kind: 'TenantList', metricsAPI: { available: true }, items: rows },
      name: (r) => `tenant/${r.name}`,
      emptyMessage: 'No tenants found',
      order: (r) => [-r.cpu, r.name],
      metrics: [
        {
          name: 'cpu',
          help: 'cpu',
          type: 'gauge',
          samples: rows.map((r) => ({ labels: { tenant: r.name }, value: r.cpu })),
        },
      ],
    }),
    ...extra,
  });

  it('puts CLUSTER first, sorts across clusters by the command order, and labels every item', () => {
    const merged = mergeListings(
      [
        {
          cluster: 'eu',
          result: answer([
            { name: 'a', cpu: 1 },
            { name: 'b', cpu: 5 },
          ]),
        },
        { cluster: 'us', result: answer([{ name: 'a', cpu: 3 }], { exitCode: 3 }) },
      ],
      ['error: cluster "ap": connection refused'],
    );
    const table = render(merged, { format: 'table', noHeaders: false, colour: false }).stdout;
    assert.equal(table, 'CLUSTER   TENANT\neu        b\nus        a\neu        a\n');
    assert.equal(merged.exitCode, 3);
    assert.deepEqual(merged.warnings, ['error: cluster "ap": connection refused']);
    const document = merged.document as { clusters: unknown[]; items: { cluster: string; name: string }[] };
    assert.deepEqual(document.clusters, [
      { name: 'eu', metricsAPI: { available: true } },
      { name: 'us', metricsAPI: { available: true } },
    ]);
    assert.deepEqual(
      document.items.map((i) => [i.cluster, i.name]),
      [
        ['eu', 'a'],
        ['eu', 'b'],
        ['us', 'a'],
      ],
    );
    assert.deepEqual(
      merged.metrics?.[0]?.samples.map((s) => s.labels),
      [
        { cluster: 'eu', tenant: 'a' },
        { cluster: 'eu', tenant: 'b' },
        { cluster: 'us', tenant: 'a' },
      ],
    );
  });
});
