import type http2 from 'node:http2';
import type { Readable } from 'node:stream';
import tls from 'node:tls';
import { loadHttp2 } from './node-http.ts';
import { type AuthMaterial, tlsOptions } from './static-auth.ts';

/** An answer to a long-lived GET: its status and headers, and the body as it comes. */
export interface OpenStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/**
 * One HTTP/2 connection per client for its long-lived GETs (log follows, watches), as kubectl and
 * stern have: a hundred log streams share one TLS handshake instead of making a hundred. The
 * server is asked by ALPN; one that answers HTTP/1.1 (a proxy in front of the API server, say) is
 * remembered, and the caller uses HTTP/1.1 from then on.
 */
export class Http2Streams {
  private session: Promise<http2.ClientHttp2Session | undefined> | undefined;
  private refused = false;
  /** Streams open on each session: a session that got GOAWAY may still carry some beside the new one. */
  private readonly open = new WeakMap<http2.ClientHttp2Session, number>();
  private readonly origin: URL;

  constructor(origin: URL) {
    this.origin = origin;
  }

  /** Opens a stream; undefined when the server does not speak HTTP/2. */
  async request(
    path: string,
    headers: Record<string, string | string[]>,
    auth: AuthMaterial,
    signal: AbortSignal | undefined,
  ): Promise<OpenStream | undefined> {
    if (this.refused) return undefined;
    this.session ??= this.connect(auth);
    const session = await this.session;
    if (!session) return undefined;
    const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    if (auth.auth !== undefined) lower.authorization = `Basic ${Buffer.from(auth.auth).toString('base64')}`;
    const stream = session.request({ ...lower, ':method': 'GET', ':path': path }, { endStream: true, signal });
    this.hold(session, stream);
    return new Promise((resolve, reject) => {
      stream.once('response', (answer) => {
        stream.off('error', reject);
        // The reader meets a failure as it iterates; an abort after it has stopped reading is no failure.
        stream.on('error', () => undefined);
        const { ':status': status, ...rest } = answer;
        resolve({ status: Number(status), headers: rest, body: stream });
      });
      stream.once('error', reject);
    });
  }

  /** The connection keeps the process alive only while a stream is open on it. */
  private hold(session: http2.ClientHttp2Session, stream: http2.ClientHttp2Stream): void {
    const count = this.open.get(session) ?? 0;
    this.open.set(session, count + 1);
    if (count === 0) session.ref();
    stream.once('close', () => {
      const left = (this.open.get(session) ?? 1) - 1;
      this.open.set(session, left);
      if (left === 0 && !session.destroyed) session.unref();
    });
  }

  private async connect(auth: AuthMaterial): Promise<http2.ClientHttp2Session | undefined> {
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const connection = tls.connect({
        host: this.origin.hostname.replace(/^\[|\]$/g, ''),
        port: Number(this.origin.port || 443),
        ALPNProtocols: ['h2', 'http/1.1'],
        ...tlsOptions(auth),
      });
      connection.once('secureConnect', () => resolve(connection));
      connection.once('error', reject);
    }).catch((error: unknown) => {
      // The next stream tries again; this one fails with the cause, as an HTTP/1.1 request would.
      this.session = undefined;
      throw error;
    });
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      this.refused = true;
      return undefined;
    }
    const session = loadHttp2().connect(this.origin, { createConnection: () => socket });
    const pending = this.session;
    const forget = (): void => {
      if (this.session === pending) this.session = undefined;
    };
    session.once('close', forget);
    session.once('goaway', forget);
    // A broken connection fails its streams, which their readers retry; the session itself has no reader.
    session.on('error', forget);
    session.unref();
    return session;
  }
}
