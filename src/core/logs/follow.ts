import type { KubeClient } from '../kube/client.ts';
import type { LogLine } from './line.ts';
import { EventQueue } from './queue.ts';
import { ResumePoint } from './resume.ts';
import { tailContainer, type TailOptions } from './tail.ts';
import {
  type Pod,
  type Target,
  type TargetFilter,
  describeTargets,
  targetKey,
  targetName,
  targetsOf,
} from './targets.ts';
import { watchPods } from './watch.ts';

/** What a reading of logs reports: lines, streams that start and end, and notes for stderr. */
export type LogEvent =
  | { type: 'line'; target: Target; line: LogLine }
  | { type: 'joined'; target: Target }
  | { type: 'left'; target: Target }
  | { type: 'note'; text: string };

export interface FollowSettings {
  namespace: string;
  labelSelector?: string;
  filter: TargetFilter;
  /**
   * For the first connection of each stream; later ones continue where it left off. `tailLines`
   * applies to the containers running at the start: one that starts later is read from its start.
   */
  read: Omit<TailOptions, 'follow'>;
  grep?: RegExp;
  maxStreams: number;
  /** The pods as listed before following, so that the watch starts where that list ended. */
  initial: { pods: Pod[]; resourceVersion?: string };
}

/** How long streams that must wait are gathered into one warning. */
const WAITING_NOTE_DELAY_MS = 100;

/** One container followed: the stream, if open, and where its log was read up to. */
interface Slot {
  target: Target;
  resume: ResumePoint;
  stream?: { controller: AbortController; instance: number };
  /** The instance whose log was read to the end: it is not read again. */
  finishedInstance?: number;
  waiting: boolean;
  lastWarning?: string;
  /** --tail, for the first stream of a container that ran when following began. */
  tailLines?: number;
}

/** Whether a stream of this container should be open: it runs, or it finished and was not read yet. */
function wanted(slot: Slot): boolean {
  const { state, instance } = slot.target;
  return state === 'running' || (state === 'finished' && slot.finishedInstance !== instance);
}

/**
 * Follows every selected container of the namespace's pods as pods come and go: a stream starts
 * when a container runs (`joined`) and ends when it stops or its pod goes (`left`), at most
 * `maxStreams` at once (the others wait, with a note). Ends when `signal` aborts.
 */
export function followLogs(
  client: KubeClient,
  settings: FollowSettings,
  signal: AbortSignal,
): AsyncIterable<LogEvent[]> {
  const queue = new EventQueue<LogEvent>();
  const slots = new Map<string, Slot>();
  const byPod = new Map<string, Set<string>>();
  const waiting: string[] = [];
  const running = new Set<Promise<void>>();
  let open = 0;

  const note = (text: string): void => void queue.push({ type: 'note', text });
  // Streams that hit the bound together (a scaled-up Deployment: its pods come as separate watch
  // events) get one warning, not one each.
  const newlyWaiting: Target[] = [];
  const noteWaiting = (target: Target): void => {
    newlyWaiting.push(target);
    if (newlyWaiting.length > 1) return;
    setTimeout(() => {
      const targets = newlyWaiting.splice(0);
      note(
        `warning: more than ${settings.maxStreams} log streams (--max-log-requests): ${describeTargets(targets)} ` +
          `${targets.length === 1 ? 'waits' : 'wait'} for one to end; raise --max-log-requests to follow them all`,
      );
    }, WAITING_NOTE_DELAY_MS);
  };

  const start = (key: string, slot: Slot): void => {
    if (open >= settings.maxStreams) {
      if (!slot.waiting) {
        slot.waiting = true;
        waiting.push(key);
        noteWaiting(slot.target);
      }
      return;
    }
    open += 1;
    const controller = new AbortController();
    const instance = slot.target.instance;
    slot.stream = { controller, instance };
    void queue.push({ type: 'joined', target: slot.target });
    const stillRunning = (): boolean =>
      slots.get(key) === slot && slot.target.state === 'running' && slot.target.instance === instance;
    const read = { ...settings.read, tailLines: slot.tailLines, follow: true };
    slot.tailLines = undefined;
    const done = tailContainer(
      client,
      slot.target,
      read,
      slot.resume,
      {
        line(line) {
          slot.lastWarning = undefined;
          if (settings.grep && !settings.grep.test(line.message)) return undefined;
          return queue.push({ type: 'line', target: slot.target, line });
        },
        retrying(error, delayMs) {
          if (error.message === slot.lastWarning) return;
          slot.lastWarning = error.message;
          note(`warning: ${targetName(slot.target)}: ${error.message}; retrying in ${Math.ceil(delayMs / 1000)}s`);
        },
        stillRunning,
      },
      AbortSignal.any([signal, controller.signal]),
    ).finally(() => {
      open -= 1;
      slot.stream = undefined;
      running.delete(done);
      if (signal.aborted) return;
      if (!controller.signal.aborted) {
        // The log ended by itself: the container stopped.
        slot.finishedInstance = instance;
        void queue.push({ type: 'left', target: slot.target });
        if (wanted(slot)) start(key, slot);
      }
      startWaiting();
    });
    running.add(done);
  };

  const startWaiting = (): void => {
    while (open < settings.maxStreams && waiting.length > 0) {
      const key = waiting.shift() as string;
      const slot = slots.get(key);
      if (!slot) continue;
      slot.waiting = false;
      if (!slot.stream && wanted(slot)) start(key, slot);
    }
  };

  const remove = (podUid: string): void => {
    for (const key of byPod.get(podUid) ?? []) {
      const slot = slots.get(key) as Slot;
      slots.delete(key);
      if (slot.waiting) waiting.splice(waiting.indexOf(key), 1);
      if (slot.stream) {
        slot.stream.controller.abort();
        void queue.push({ type: 'left', target: slot.target });
      }
    }
    byPod.delete(podUid);
  };

  let starting = true;
  const update = (pod: Pod): void => {
    const uid = pod.metadata.uid ?? pod.metadata.name;
    const keys = byPod.get(uid) ?? new Set<string>();
    byPod.set(uid, keys);
    for (const target of targetsOf(pod, settings.filter)) {
      const key = targetKey(target);
      keys.add(key);
      let slot = slots.get(key);
      if (slot) slot.target = target;
      else {
        slot = {
          target,
          resume: new ResumePoint(),
          waiting: false,
          tailLines: starting ? settings.read.tailLines : undefined,
        };
        slots.set(key, slot);
      }
      if (!slot.stream && !slot.waiting && wanted(slot)) start(key, slot);
    }
  };

  const watch = async (): Promise<void> => {
    const pods = watchPods(
      client,
      settings.namespace,
      { labelSelector: settings.labelSelector, initial: settings.initial },
      (error, delayMs) => note(`warning: ${error.message}; watching again in ${Math.ceil(delayMs / 1000)}s`),
      signal,
    );
    for await (const event of pods) {
      if (event.type === 'sync') {
        const present = new Set(event.pods.map((p) => p.metadata.uid ?? p.metadata.name));
        for (const uid of [...byPod.keys()]) if (!present.has(uid)) remove(uid);
        for (const pod of event.pods) update(pod);
        starting = false;
      } else if (event.type === 'delete') {
        remove(event.pod.metadata.uid ?? event.pod.metadata.name);
      } else {
        update(event.pod);
      }
    }
    await Promise.all(running);
  };
  watch().then(
    () => queue.close(),
    (error: unknown) => queue.close(error),
  );
  return queue;
}
