import { MimtError, failure } from '../errors.ts';

/** The failure of one request, as the API server or the network described it. */
export interface RequestFailure {
  method: string;
  path: string;
  server: string;
  context: string;
  status?: number;
  /** The Status object the API server sent, when it sent one. */
  body?: { message?: string; reason?: string; details?: { causes?: { field?: string; message?: string }[] } };
  code?: string;
  message?: string;
  timeoutMs?: number;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** Turns a failed request into one plain sentence that names what was asked of whom. */
export function describeRequestFailure(f: RequestFailure): MimtError {
  const error = describe(f);
  return f.status === undefined ? error : new MimtError(error.message, { hint: error.hint, status: f.status });
}

function describe(f: RequestFailure): MimtError {
  const where = `the API server at ${f.server} (context "${f.context}")`;
  if (f.status === undefined) {
    if (f.code === 'ETIMEDOUT' || f.timeoutMs !== undefined) {
      return failure(`${where} did not answer within ${f.timeoutMs ?? '?'}ms`, {
        hint: 'raise --request-timeout, or check that the server is up',
      });
    }
    if (f.code && TLS_CODES.has(f.code)) {
      return failure(`TLS failure talking to ${where}: ${f.message ?? f.code}`, {
        hint: 'check certificate-authority in the kubeconfig, or pass --insecure-skip-tls-verify if you trust the network',
      });
    }
    const words = (f.code && NETWORK_WORDS[f.code]) ?? f.message ?? 'request failed';
    return failure(`cannot reach ${where}: ${words}`, { hint: 'is the cluster running and the context right?' });
  }
  const serverMessage = f.body?.message?.trim();
  switch (f.status) {
    case 401:
      return failure(`unauthorized: ${where} rejected the credentials`, {
        hint: 'the token or certificate may have expired; check the user of this context',
      });
    case 403:
      return failure(`forbidden: ${serverMessage ?? `${f.method} ${f.path}`}`);
    case 404:
      return failure(`not found: ${serverMessage ?? f.path}`);
    case 409:
      return failure(`conflict: ${serverMessage ?? f.path}`, {
        hint: 'someone changed it at the same time; run again',
      });
    case 422: {
      const causes = f.body?.details?.causes?.map((c) => `${c.field ?? '?'}: ${c.message ?? ''}`).join('; ');
      return failure(`invalid: ${causes || serverMessage || f.path}`);
    }
    case 429:
      return failure(`${where} is throttling requests (429) and kept doing so after retries`);
    default:
      return failure(
        `${where} answered ${f.status}${f.body?.reason ? ` ${f.body.reason}` : ''} to ${f.method} ${f.path}${serverMessage ? `: ${serverMessage}` : ''}`,
      );
  }
}
