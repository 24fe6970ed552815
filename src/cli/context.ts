import { usageError } from '../core/errors.ts';
import type { KubeClient } from '../core/kube/client.ts';
import { colourEnabled } from '../output/colour.ts';
import { type GlobalArgs, clientOptions, connectionOptions } from './flags.ts';
import { keepYoungGenerationSmall } from './heap.ts';
import type { Streams } from './printer.ts';
import type { CommandContext } from './spec.ts';

/**
 * Builds what a command runs with. The Kubernetes client is created on first use, so commands that
 * never talk to the cluster (and --help) never load it. Across clusters, each gets a context of its
 * own: `cluster` names the kubeconfig context it talks to.
 */
export async function createContext(
  args: GlobalArgs,
  streams: Streams,
  cluster?: string,
): Promise<CommandContext & { close(): void; abort(): void }> {
  const controller = new AbortController();
  let interrupts = 0;
  let undoing = false;
  const onInterrupt = (): void => {
    interrupts += 1;
    controller.abort();
    // A command that undoes its work on Ctrl-C (install) is given the time; a second Ctrl-C ends it.
    if (undoing && interrupts === 1) return;
    // A command that is not streaming does not watch the signal; leave as kubectl does on Ctrl-C.
    setTimeout(() => process.exit(130), interrupts > 1 ? 0 : 1000).unref();
  };
  process.on('SIGINT', onInterrupt);
  // Nobody reads what a streaming command would print any more: it stops as on Ctrl-C.
  streams.closed?.addEventListener('abort', () => controller.abort(), { once: true });
  const onRequest = args.verbose >= 6 ? (line: string) => streams.stderr(`I ${line}\n`) : undefined;
  // Ends the client's requests when the command gives up on its cluster (a fleet's timeout); not on
  // Ctrl-C, after which a command may still need the cluster to undo what it did.
  const requests = new AbortController();
  const options = { ...clientOptions(args, onRequest), signal: requests.signal };
  let client: Promise<KubeClient> | undefined;
  return {
    kube() {
      if (client) return client;
      client = (async () => {
        const [{ loadKubeconfig }, { KubeClient }] = await Promise.all([
          import('../core/kube/kubeconfig.ts'),
          import('../core/kube/client.ts'),
        ]);
        return KubeClient.create(loadKubeconfig(connectionOptions(args, cluster), streams.env), options);
      })();
      // After the command has sent its first requests, while it waits for the answers: not on the
      // way to the first request (or a followed log's first line).
      client.then(
        () => setImmediate(keepYoungGenerationSmall),
        () => undefined,
      );
      return client;
    },
    progress(line) {
      streams.stderr(`${line}\n`);
    },
    now: () => new Date(),
    colour: colourEnabled(args.color, Boolean(streams.stdoutIsTTY), streams.env),
    async confirm(question, flag) {
      if (!process.stdin.isTTY || !streams.stderrIsTTY) {
        throw usageError(
          `${flag} is required when not run from a terminal`,
          `nothing was changed; pass ${flag} to go ahead`,
        );
      }
      const { createInterface } = await import('node:readline/promises');
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
      } finally {
        prompt.close();
      }
    },
    signal: controller.signal,
    cluster,
    abort: () => requests.abort(),
    undoesOnInterrupt() {
      undoing = true;
    },
    close() {
      process.removeListener('SIGINT', onInterrupt);
      if (args.verbose >= 1 && client) {
        void client.then(
          (c) => streams.stderr(`I ${c.requests} API requests to ${c.server} (context "${c.context}")\n`),
          () => undefined,
        );
      }
    },
  };
}
