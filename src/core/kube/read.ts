import { MimtError } from '../errors.ts';
import type { KubeClient } from './client.ts';

/**
 * The permission model of every read, decided here once: a 404 is an empty answer (the kind or the
 * object is not there), a 403 on anything but what the user asked for is left out and reported,
 * and everything else fails the command.
 */
export const isNotFound = (error: unknown): error is MimtError => error instanceof MimtError && error.status === 404;
export const isForbidden = (error: unknown): error is MimtError => error instanceof MimtError && error.status === 403;
/** Someone else wrote first: a create of what exists, an update from a stale version. */
export const isConflict = (error: unknown): error is MimtError => error instanceof MimtError && error.status === 409;

/** The object at `path`, or undefined when it does not exist. */
export async function getOptional<T>(client: KubeClient, path: string): Promise<T | undefined> {
  try {
    return await client.get<T>(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const where = (namespace: string | undefined): string =>
  namespace === undefined ? 'cluster-wide' : `in "${namespace}"`;

/**
 * What one command could not read because the user may not, collected while it reads and told as
 * one note at the end, so that every command says it the same way and the rest of its output stays.
 */
export class ReadReport {
  private readonly denied = new Map<string, Set<string>>();
  private scopeNote: string | undefined;

  /** `what` (plural words, e.g. "RoleBindings") could not be read in `namespace`, or anywhere. */
  forbidden(what: string, namespace?: string): void {
    this.add(what, where(namespace));
  }

  /** Whether `what` was refused in `namespace` (or cluster-wide, without one). */
  refused(what: string, namespace?: string): boolean {
    return this.denied.get(what)?.has(where(namespace)) ?? false;
  }

  private add(what: string, where: string): void {
    const set = this.denied.get(what) ?? new Set<string>();
    set.add(where);
    this.denied.set(what, set);
  }

  /** Namespaces could not be listed, so only `looked` (name → readable) were looked at. */
  limitedTo(looked: ReadonlyMap<string, boolean>): void {
    const seen = [...looked].map(([name, readable]) => `"${name}"${readable ? '' : ' (not readable)'}`);
    this.scopeNote =
      `you may not list namespaces cluster-wide, so only the context's namespace and the tenants named ` +
      `are looked at: ${seen.join(', ')}. Pass -n NAMESPACE or a tenant name to see another`;
  }

  /** Takes over what another report recorded (a read made on the side, then kept). */
  absorb(other: ReadReport): void {
    for (const [what, places] of other.denied) for (const w of places) this.add(what, w);
    this.scopeNote ??= other.scopeNote;
  }

  get empty(): boolean {
    return this.denied.size === 0 && this.scopeNote === undefined;
  }

  /** Nothing, or the one note line (without a trailing newline). */
  lines(): string[] {
    if (this.empty) return [];
    const parts: string[] = [];
    if (this.scopeNote) parts.push(this.scopeNote);
    if (this.denied.size) {
      const items = [...this.denied].map(([what, places]) => `${what} ${[...places].join(', ')}`);
      parts.push(`not permitted to read, so left out: ${items.join('; ')}`);
    }
    return [`note: ${parts.join('. ')}.`];
  }
}

/**
 * A secondary read: its answer, or `empty` when the kind is not served (404) or the user may not
 * read it (403, recorded in `report`). Any other failure still fails.
 */
export async function readOptional<T>(
  what: string,
  read: Promise<T>,
  empty: T,
  report: ReadReport,
  namespace?: string,
): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return empty;
    if (isForbidden(error)) {
      report.forbidden(what, namespace);
      return empty;
    }
    throw error;
  }
}
