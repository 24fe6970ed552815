import type { Agent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { RequestOptions } from 'node:https';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { type RequestFailure, describeRequestFailure } from './api-error.ts';
import { Http2Streams, type OpenStream } from './http2-session.ts';
import { type ItemsKey, ListItemsParser } from './list-items.ts';
import { ManagedFieldsFilter } from './managed-fields.ts';
import { http, https } from './node-http.ts';
import type { ResolvedKubeconfig } from './kubeconfig.ts';
import { type AuthMaterial, staticAuth, tlsOptions } from './static-auth.ts';
import type { KubeList, KubeObject } from './objects.ts';
import { type ServerTable, TABLE_ACCEPT } from './table.ts';

export interface Impersonation {
  user?: string;
  groups?: string[];
  uid?: string;
}

export interface ClientOptions {
  /** Per request; 0 or undefined waits as long as it takes, as kubectl's --request-timeout=0. */
  requestTimeoutMs?: number;
  impersonate?: Impersonation;
  userAgent?: string;
  /** Receives one line per request (method, URL, status, time) for -v=6 and above. */
  onRequest?: (line: string) => void;
  maxRetries?: number;
  /** Ends every request of this client: the command was interrupted or its cluster gave up on. */
  signal?: AbortSignal;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** PartialObjectMetadataList: names, labels and annotations only, far smaller than full objects. */
  metadataOnly?: boolean;
  pageSize?: number;
}

interface Credentials extends AuthMaterial {
  /** client-node's, for a proxy; undefined: Node's own. */
  agent: Agent | undefined;
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** A list's items, parsed one by one as they came; `body` is then the list without them. */
  items?: { key: ItemsKey; values: unknown[] };
}

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_OBJECT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The one way mimt talks to the API server: plain HTTPS with the credentials that client-node derives
 * from the kubeconfig (certificates, tokens, exec plugins, proxies). It counts requests, pages lists,
 * retries throttled and failed reads a bounded number of times, and turns failures into MimtErrors.
 */
export class KubeClient {
  readonly server: string;
  readonly context: string;
  readonly namespace: string;
  readonly namespaceExplicit: boolean;
  /** The single-context kubeconfig this client uses, for subprocesses that must connect the same way. */
  readonly kubeconfig: ResolvedKubeconfig['config'];
  readonly impersonation: Impersonation | undefined;
  requests = 0;
  private readonly options: ClientOptions;
  private readonly authorize: () => Promise<Credentials>;
  private readonly base: URL;
  private readonly streams: Http2Streams;

  private constructor(resolved: ResolvedKubeconfig, options: ClientOptions, authorize: () => Promise<Credentials>) {
    this.server = resolved.server;
    this.context = resolved.contextName;
    this.namespace = resolved.namespace;
    this.namespaceExplicit = resolved.namespaceExplicit;
    this.kubeconfig = resolved.config;
    this.impersonation = options.impersonate;
    this.options = options;
    this.authorize = authorize;
    this.base = new URL(resolved.server);
    this.streams = new Http2Streams(this.base);
  }

  static async create(resolved: ResolvedKubeconfig, options: ClientOptions = {}): Promise<KubeClient> {
    const plain = staticAuth(resolved);
    if (plain) return new KubeClient(resolved, options, async () => ({ agent: undefined, ...plain() }));
    const { KubeConfig } = await import('@kubernetes/client-node');
    const config = new KubeConfig();
    config.loadFromString(JSON.stringify(resolved.config));
    let agent: Agent | undefined;
    const authorize = async (): Promise<Credentials> => {
      // Re-applied for each request so that exec-plugin and OIDC tokens refresh on long follows.
      const opts: RequestOptions = { headers: {} };
      await config.applyToHTTPSOptions(opts);
      agent ??= opts.agent === false ? undefined : (opts.agent as Agent | undefined);
      return {
        agent,
        headers: opts.headers as Record<string, string>,
        auth: opts.auth ?? undefined,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: opts.rejectUnauthorized,
        servername: opts.servername,
      };
    };
    return new KubeClient(resolved, options, authorize);
  }

  private url(path: string, query: Query = {}): URL {
    const url = new URL(this.base.pathname.replace(/\/$/, '') + path, this.base);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    }
    return url;
  }

  private headers(auth: Credentials, spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = {
      ...auth.headers,
      Accept: spec.accept ?? 'application/json',
      'User-Agent': this.options.userAgent ?? 'kubectl-mimt',
    };
    const as = this.options.impersonate;
    if (as?.user) headers['Impersonate-User'] = as.user;
    if (as?.uid) headers['Impersonate-Uid'] = as.uid;
    if (spec.body !== undefined) headers['Content-Type'] = spec.contentType ?? 'application/json';
    return headers;
  }

  private signalOf(spec: RequestSpec): AbortSignal | undefined {
    const signals = [spec.signal, this.options.signal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  }

  /** Sends one request and resolves with the open response, for streams (watch, logs). */
  private async open(
    spec: RequestSpec,
    timeoutMs: number | undefined,
    authorized?: Credentials,
  ): Promise<IncomingMessage> {
    const auth = authorized ?? (await this.authorize());
    const url = this.url(spec.path, spec.query);
    const transport = url.protocol === 'http:' ? http : https;
    const headers = this.headers(auth, spec);
    const body =
      spec.body === undefined ? undefined : typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
    // Node frames a body of DELETE (as of GET) neither by length nor in chunks: without the length,
    // the server reads it as the start of the next request on the kept-alive connection.
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    const groups = this.options.impersonate?.groups ?? [];
    this.requests += 1;
    return new Promise((resolve, reject) => {
      // https.request hands these to tls.connect, secureContext included (its types leave it out).
      const request = transport.request(url, {
        ...(tlsOptions(auth) as RequestOptions),
        method: spec.method ?? 'GET',
        headers,
        agent: auth.agent,
        auth: auth.auth,
        signal: this.signalOf(spec),
      });
      // Node joins repeated header values with commas; Impersonate-Group needs one header per group.
      if (groups.length) request.setHeader('Impersonate-Group', groups);
      if (timeoutMs) {
        request.setTimeout(timeoutMs, () =>
          request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT', requestTimeout: true })),
        );
      }
      request.on('response', resolve);
      request.on('error', reject);
      request.end(body);
    });
  }

  /**
   * Opens a long-lived GET over the client's HTTP/2 connection when the server speaks it over
   * HTTPS without a proxy, otherwise as a request of its own.
   */
  private async openStream(spec: RequestSpec): Promise<OpenStream> {
    const auth = await this.authorize();
    const url = this.url(spec.path, spec.query);
    if (url.protocol === 'https:' && auth.agent === undefined) {
      const headers: Record<string, string | string[]> = this.headers(auth, spec);
      const groups = this.options.impersonate?.groups ?? [];
      if (groups.length) headers['Impersonate-Group'] = groups;
      const answer = await this.streams.request(url.pathname + url.search, headers, auth, this.signalOf(spec));
      if (answer) {
        this.requests += 1;
        return answer;
      }
    }
    const response = await this.open(spec, undefined, auth);
    return { status: response.statusCode ?? 0, headers: response.headers, body: response };
  }

  private failure(spec: RequestSpec, extra: Partial<RequestFailure>): Error {
    return describeRequestFailure({
      method: spec.method ?? 'GET',
      path: spec.path,
      server: this.server,
      context: this.context,
      timeoutMs: extra.code === 'ETIMEDOUT' ? this.options.requestTimeoutMs : undefined,
      ...extra,
    });
  }

  /** One request; with `listItems`, a list's items are parsed as they arrive (see list-items.ts). */
  private async once(spec: RequestSpec, listItems: boolean): Promise<Response> {
    const started = Date.now();
    const response = await this.open(spec, this.options.requestTimeoutMs);
    const parts: Buffer[] = [];
    const list = listItems ? new ListItemsParser() : undefined;
    const filter = new ManagedFieldsFilter(list ? (part) => list.push(part) : (part) => parts.push(Buffer.from(part)));
    // Each chunk as it arrives: iterating the stream would join the chunks buffered meanwhile
    // into one more copy of the answer.
    const onData = (chunk: Buffer): void => {
      try {
        filter.push(chunk);
      } catch (error) {
        response.destroy(error as Error);
      }
    };
    response.on('data', onData);
    await finished(response);
    // A kept-alive socket holds its last answer, and through this listener the body read from it.
    response.off('data', onData);
    filter.end();
    const status = response.statusCode ?? 0;
    this.options.onRequest?.(
      `${spec.method ?? 'GET'} ${this.url(spec.path, spec.query).href} ${status} in ${Date.now() - started} milliseconds`,
    );
    if (!list) return { status, headers: response.headers, body: Buffer.concat(parts) };
    const answer = list.end();
    const items = answer.key && { key: answer.key, values: answer.items };
    return { status, headers: response.headers, body: answer.envelope, items };
  }

  /** One request with bounded retries; resolves with the parsed JSON body of a 2xx answer. */
  request<T>(spec: RequestSpec): Promise<T> {
    return this.answer<T>(spec, false);
  }

  private async answer<T>(spec: RequestSpec, listItems: boolean): Promise<T> {
    const method = spec.method ?? 'GET';
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await this.once(spec, listItems);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (this.signalOf(spec)?.aborted) throw error;
        // --request-timeout is how long the user will wait: once spent, it is not spent again.
        const spent = (error as { requestTimeout?: boolean }).requestTimeout === true;
        if (method === 'GET' && code && RETRYABLE_CODES.has(code) && !spent && attempt < maxRetries) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw this.failure(spec, { code, message: (error as Error).message });
      }
      if (response.status >= 200 && response.status < 300) {
        if (response.body.length === 0) return undefined as T;
        const value = JSON.parse(response.body.toString('utf8'));
        if (response.items) value[response.items.key] = response.items.values;
        return value as T;
      }
      // A 429 was never processed, so any verb may be retried; a 5xx only for reads.
      const retryable = response.status === 429 || (method === 'GET' && RETRYABLE_STATUS.has(response.status));
      if (retryable && attempt < maxRetries) {
        const after = Number(response.headers['retry-after']);
        await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 10) * 1000 : 250 * 2 ** attempt);
        continue;
      }
      const text = response.body.toString('utf8');
      let body: RequestFailure['body'];
      try {
        body = JSON.parse(text);
      } catch {
        body = { message: text.slice(0, 200) };
      }
      throw this.failure(spec, { status: response.status, body });
    }
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>({ path, query });
  }

  /** Fetches every page of a collection (one request per `pageSize` items) and hands each to `take`. */
  private async pages<P extends { metadata?: { continue?: string; resourceVersion?: string } }>(
    path: string,
    options: ListOptions,
    accept: string | undefined,
    extra: Query,
    take: (page: P) => void,
  ): Promise<P> {
    let page: P;
    let next: string | undefined;
    do {
      page = await this.answer<P>(
        {
          path,
          accept,
          query: {
            ...extra,
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
            limit: options.pageSize ?? 500,
            continue: next,
          },
        },
        true,
      );
      take(page);
      next = page.metadata?.continue || undefined;
    } while (next);
    return page;
  }

  /** Lists a collection across all its pages. */
  async list<T extends KubeObject>(path: string, options: ListOptions = {}): Promise<KubeList<T>> {
    const items: T[] = [];
    const last = await this.pages<KubeList<T>>(
      path,
      options,
      options.metadataOnly ? METADATA_LIST : undefined,
      {},
      (page) => items.push(...(page.items ?? [])),
    );
    return { ...last, items, metadata: { resourceVersion: last.metadata?.resourceVersion } };
  }

  /** The server's own table of a collection (kubectl get's columns), each row with its metadata. */
  async table(path: string, options: ListOptions = {}): Promise<ServerTable> {
    const rows: ServerTable['rows'] = [];
    const last = await this.pages<ServerTable>(path, options, TABLE_ACCEPT, { includeObject: 'Metadata' }, (page) =>
      rows.push(...(page.rows ?? [])),
    );
    return { ...last, rows, metadata: { resourceVersion: last.metadata?.resourceVersion } };
  }

  /**
   * Opens a long-lived GET (watch, log follow); a non-2xx answer becomes a MimtError. `metadataOnly`
   * makes a watch carry PartialObjectMetadata, for watchers that only need to know what changed.
   */
  async stream(
    path: string,
    query: Query,
    signal?: AbortSignal,
    options: { metadataOnly?: boolean } = {},
  ): Promise<Readable> {
    const spec: RequestSpec = { path, query, signal, accept: options.metadataOnly ? METADATA_OBJECT : undefined };
    let response: OpenStream;
    const started = Date.now();
    try {
      response = await this.openStream(spec);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw this.failure(spec, { code: (error as NodeJS.ErrnoException).code, message: (error as Error).message });
    }
    const { status } = response;
    // A stream has no end to time: the line says when its answer began.
    this.options.onRequest?.(
      `GET ${this.url(path, query).href} ${status} in ${Date.now() - started} milliseconds (stream)`,
    );
    if (status >= 200 && status < 300) return response.body;
    const chunks: Buffer[] = [];
    for await (const chunk of response.body) chunks.push(chunk as Buffer);
    let body: RequestFailure['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    throw this.failure(spec, { status, body });
  }
}
