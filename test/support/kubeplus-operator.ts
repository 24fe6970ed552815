/**
 * A TEST DOUBLE of the KubePlus operator, not KubePlus itself: for one registered Kind it behaves
 * as KubePlus's webhook, helmer and platform-operator do (docs/tenancy-contract.md, "What the
 * KubePlus operator does"), so that mimt's KubePlus mode is tested on a cluster without KubePlus:
 *
 * - it labels its own namespace (where the Kind's ResourceComposition is) managedby=kubeplus, as
 *   KubePlus's provider set-up does, and acts only on instances there;
 * - a mutating admission webhook (sideEffects None) refuses the names KubePlus refuses, and deploys
 *   the chart for every admitted create or update whose object lacks the label created-by=kubeplus,
 *   dry run or not; an object that carries the label is left alone ("Nothing to do");
 * - a deploy creates the namespace named like the instance (labelled, release annotation in literal
 *   quotes) and runs `helm install`, or `helm upgrade` when that namespace exists; then it replaces
 *   the instance's whole status with status.helmrelease "<namespace>:<release>\n<notes or Helm's
 *   error>" and labels the instance created-by=kubeplus; a failed install deletes the namespace;
 * - a changed chartURL in the ResourceComposition upgrades every instance and writes Helm's output,
 *   with its line breaks removed, into status.error, successful or not;
 * - a deleted instance loses its release and namespace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLUSTER_BIN, apply, clusterEnv, kubectl, kubectlJson } from './cluster.ts';
import { type KubePlusKind, kubePlusRelease } from './kubeplus.ts';
import { run } from './run.ts';
import { selfSignedCertificate } from './tls.ts';

interface Instance {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
  };
  spec?: Record<string, unknown>;
  status?: { helmrelease?: string; error?: string };
}

interface AdmissionRequest {
  uid: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  dryRun?: boolean;
  userInfo?: { username?: string };
  object?: Instance;
  oldObject?: Instance;
}

/** KubePlus's limits (its webhook): Kind + "-" + instance at most 30 characters. */
const MAX_RELEASE_LENGTH = 30;

export interface StandInOperator {
  /** Every admission the webhook answered, dry runs included. */
  admissions: { operation: string; name: string; dryRun: boolean }[];
  stop(): Promise<void>;
}

const helmBin = path.join(CLUSTER_BIN, 'helm');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the double for `kind`. `chartOf` maps the ResourceComposition's chartURL to a chart on
 * disk (KubePlus downloads it; the double is told where it is).
 */
export async function startStandInOperator(
  kind: KubePlusKind,
  chartOf: string | ((chartURL: string) => string),
): Promise<StandInOperator> {
  const resource = `${kind.plural}.platformapi.kubeplus`;
  const work = mkdtempSync(path.join(tmpdir(), 'kubeplus-double-'));
  const chartFor = typeof chartOf === 'string' ? () => chartOf : chartOf;
  const admissions: StandInOperator['admissions'] = [];
  const pending = new Set<Promise<unknown>>();
  const background = (task: Promise<unknown>) => {
    const tracked = task.catch(() => undefined).finally(() => pending.delete(tracked));
    pending.add(tracked);
  };
  let running = true;

  await kubectl(['label', '--overwrite', 'namespace', kind.namespace, 'managedby=kubeplus']);
  const composition = () =>
    kubectlJson<{ spec: { newResource: { chartURL: string } } }>([
      'get',
      'resourcecomposition',
      kind.composition,
      '-n',
      kind.namespace,
    ]);
  let chartURL = (await composition()).spec.newResource.chartURL;

  const helm = (args: string[]) => run(helmBin, args, { env: clusterEnv(), timeoutMs: 180_000 });
  const output = (result: { stdout: string; stderr: string }) => `${result.stdout}${result.stderr}`;

  /** KubePlus replaces the whole status and marks the object, retrying until the object exists. */
  async function writeStatus(name: string, status: Instance['status'], mark: boolean): Promise<void> {
    for (let attempt = 0; attempt < 20 && running; attempt++) {
      const got = await run(
        path.join(CLUSTER_BIN, 'kubectl'),
        ['get', resource, name, '-n', kind.namespace, '-o', 'json'],
        {
          env: clusterEnv(),
        },
      );
      if (got.exitCode === 0) {
        const instance = JSON.parse(got.stdout) as Instance;
        instance.status = status;
        if (mark) instance.metadata.labels = { ...instance.metadata.labels, 'created-by': 'kubeplus' };
        await kubectl(['replace', '-f', '-'], JSON.stringify(instance));
        return;
      }
      // A dry-run object never appears: KubePlus keeps trying, then gives up.
      await sleep(1000);
    }
  }

  /** What KubePlus's helmer does for an admitted object: install, or upgrade in an existing namespace. */
  async function deploy(instance: Instance): Promise<void> {
    const name = instance.metadata.name;
    const release = kubePlusRelease(kind, name);
    const values = path.join(work, `${name}-${Date.now()}.json`);
    writeFileSync(values, JSON.stringify(instance.spec ?? {}));
    const chart = chartFor(chartURL);
    const exists =
      (await run(path.join(CLUSTER_BIN, 'kubectl'), ['get', 'namespace', name], { env: clusterEnv() })).exitCode === 0;
    if (!exists) {
      await kubectl(['create', 'namespace', name]);
      await kubectl(['annotate', '--overwrite', 'namespace', name, `meta.helm.sh/release-name="${release}"`]);
      await kubectl(['label', '--overwrite', 'namespace', name, 'managedby=kubeplus']);
    }
    const verb = exists ? 'upgrade' : 'install';
    const result = await helm([verb, release, chart, '-f', values, '-n', name]);
    const text = output(result);
    const notes = result.exitCode === 0 ? (text.split(/^NOTES:$/m)[1]?.replace(/^\n/, '') ?? '') : text;
    await writeStatus(name, { helmrelease: `${name}:${release}\n${notes}` }, true);
    if (result.exitCode !== 0 && verb === 'install' && !text.includes('cannot re-use a name that is still in use')) {
      await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
    }
  }

  /** The webhook's name rules, as KubePlus words its refusals. */
  async function refusal(instance: Instance): Promise<string | undefined> {
    const name = instance.metadata.name;
    if (`${kind.kind}-${name}`.length > MAX_RELEASE_LENGTH) {
      return `Instance name exceeds the allowed limit of ${MAX_RELEASE_LENGTH - kind.kind.length - 1}. Consider changing instance name.`;
    }
    const got = await run(path.join(CLUSTER_BIN, 'kubectl'), ['get', 'namespace', name, '-o', 'json'], {
      env: clusterEnv(),
    });
    if (got.exitCode !== 0) return undefined;
    const namespace = JSON.parse(got.stdout) as {
      metadata: { annotations?: Record<string, string> };
      status?: { phase?: string };
    };
    if (namespace.status?.phase === 'Terminating') {
      return `Previous Namespace for custom resource ${name} is in terminating state. Wait for it to terminate and then re-deploy`;
    }
    const annotated = namespace.metadata.annotations?.['meta.helm.sh/release-name']?.replaceAll('"', '');
    const kindInRelease = annotated?.split('-')[0];
    if (kindInRelease && kindInRelease !== kind.kind.toLowerCase()) {
      return `App with name ${name} already exists for Kind ${kindInRelease}. Use different app name.`;
    }
    return undefined;
  }

  async function admit(request: AdmissionRequest): Promise<Record<string, unknown>> {
    const object = request.object ?? request.oldObject;
    admissions.push({
      operation: request.operation,
      name: object?.metadata.name ?? '',
      dryRun: request.dryRun === true,
    });
    if (!object) return { uid: request.uid, allowed: true };
    if (request.operation === 'DELETE') {
      const linked = /^([^:\n]+):([^\n]+)/.exec(object.status?.helmrelease ?? '');
      if (linked) {
        background(
          (async () => {
            await helm(['uninstall', linked[2] as string, '-n', linked[1] as string]);
            await kubectl(['delete', 'namespace', linked[1] as string, '--wait=false', '--ignore-not-found']);
          })(),
        );
      }
      return { uid: request.uid, allowed: true };
    }
    const refused = await refusal(object);
    if (refused) return { uid: request.uid, allowed: false, status: { message: refused } };
    // KubePlus's webhook does not look at dryRun: it deploys all the same.
    if (object.metadata.labels?.['created-by'] !== 'kubeplus') background(deploy(object));
    const annotations = { ...object.metadata.annotations, accountidentity: request.userInfo?.username ?? '' };
    const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/metadata/annotations', value: annotations }]));
    return { uid: request.uid, allowed: true, patchType: 'JSONPatch', patch: patch.toString('base64') };
  }

  function serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: AdmissionRequest };
      admit(review.request).then(
        (response) => {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
        },
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
    });
  }

  // Self-signed for 127.0.0.1: the API server is told to trust it for the webhook.
  const tls = selfSignedCertificate(work);
  const server: Server = createServer({ key: tls.key, cert: tls.cert }, serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const webhook = `kubeplus-double-${kind.plural}`;
  await apply(
    JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: webhook },
      webhooks: [
        {
          name: `${kind.plural}.kubeplus-double.mimt.test`,
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          namespaceSelector: { matchLabels: { managedby: 'kubeplus' } },
          clientConfig: { url: `https://127.0.0.1:${port}/mutate`, caBundle: tls.cert.toString('base64') },
          timeoutSeconds: 30,
          rules: [
            {
              operations: ['CREATE', 'UPDATE', 'DELETE'],
              apiGroups: ['platformapi.kubeplus'],
              apiVersions: ['v1alpha1'],
              resources: [kind.plural],
            },
          ],
        },
      ],
    }),
  );

  /** The platform-operator's part: a changed chartURL upgrades every instance with the new chart. */
  async function upgradeAll(): Promise<void> {
    const { items } = await kubectlJson<{ items: Instance[] }>(['get', resource, '-n', kind.namespace]);
    for (const instance of items) {
      const linked = /^([^:\n]+):([^\n]+)/.exec(instance.status?.helmrelease ?? '');
      if (!linked) continue;
      const result = await helm(['upgrade', linked[2] as string, chartFor(chartURL), '-n', linked[1] as string]);
      const text = output(result).replaceAll('\n', '');
      instance.status = { helmrelease: instance.status?.helmrelease, error: `${chartURL} upgrade output:${text}` };
      await kubectl(['replace', '-f', '-'], JSON.stringify(instance));
    }
  }

  async function watchComposition(): Promise<void> {
    while (running) {
      try {
        const now = (await composition()).spec.newResource.chartURL;
        if (now !== chartURL) {
          chartURL = now;
          await upgradeAll();
        }
      } catch {
        // The next round tries again, as a controller does.
      }
      await sleep(1000);
    }
  }

  const watching = watchComposition();
  return {
    admissions,
    async stop() {
      await kubectl(['delete', 'mutatingwebhookconfiguration', webhook, '--ignore-not-found']);
      running = false;
      await watching;
      await Promise.all([...pending]);
      server.close();
    },
  };
}
