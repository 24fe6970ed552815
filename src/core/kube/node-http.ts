import { createRequire } from 'node:module';

// Node's ES module face of a built-in reads each of its exports once, and node:http's include
// lazy getters (WebSocket and others) that load undici: 15 to 30 ms on every command that talks to
// a cluster. Required, the modules load without them.
const require = createRequire(import.meta.url);

export const http = require('node:http') as typeof import('node:http');
export const https = require('node:https') as typeof import('node:https');

/** HTTP/2 (about 12 ms to load) loads when the first stream opens, not for commands that never stream. */
export const loadHttp2 = (): typeof import('node:http2') => require('node:http2') as typeof import('node:http2');
