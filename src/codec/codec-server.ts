// Remote codec server for the Temporal Web UI and CLI: POST /encode and /decode with payloads in
// Temporal's JSON form ({payloads: [{metadata: {k: base64}, data: base64}]}). Every POST needs the
// bearer token: anyone who can call /decode can read every secret in history.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Payload, PayloadCodec } from '@temporalio/common';

export const defaultCorsOrigins = ['http://localhost:8233', 'http://127.0.0.1:8233'];
// Temporal's gRPC messages stop at 4 MB, base64 adds a third: no real caller sends more than ~6 MB.
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
// A workflow task or history page carries far fewer; many tiny payloads would cost CPU without bound.
export const MAX_PAYLOADS = 1_000;
/** Non-blank characters a bearer token needs: sixteen spaces guard nothing. */
export const minTokenLength = 16;
// The codec protocol routes on the last path segment only, so the server can sit under any prefix.
const ROUTE = /\/(encode|decode)$/;

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Required bearer token (CODEC_SERVER_TOKEN). */
  token: string;
  /** Browser origins allowed to call (the Web UI's URL). */
  corsOrigins?: readonly string[];
  port?: number;
  host?: string;
}

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class CodecServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: CodecServerOptions): Promise<CodecServer> {
    if (options.token.trim().length < minTokenLength) {
      throw new Error(`codec server token must have at least ${minTokenLength} non-blank characters`);
    }
    const host = options.host ?? '127.0.0.1';
    const server = createServer((req, res) => void handle(options, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return new CodecServer(server, `http://${host}:${port}`);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

async function handle(options: CodecServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = req.headers.origin;
  const allowed = origin !== undefined && (options.corsOrigins ?? defaultCorsOrigins).includes(origin);
  if (allowed) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  res.setHeader('Vary', 'Origin');
  try {
    if (req.method === 'OPTIONS') {
      // Preflights carry no credentials; only the origin decides.
      if (!allowed) throw new HttpError(403, 'origin not allowed');
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    const pathname = new URL(req.url ?? '/', 'http://codec').pathname;
    const route = ROUTE.exec(pathname)?.[1] as 'encode' | 'decode' | undefined;
    if (!route) throw new HttpError(404, 'not found: POST /encode or /decode');
    if (req.method !== 'POST') throw new HttpError(405, 'use POST');
    if (!authorized(req.headers.authorization, options.token) && !pathAuthorized(pathname, options.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new HttpError(401, 'missing or wrong bearer token');
    }
    const payloads = parseBody(await readBody(req));
    reply(res, 200, { payloads: await codeInTurns(options.codec, route, payloads) });
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 400; // codec errors: bad key id, tampering
    reply(res, status, { error: (err as Error).message });
  }
}

/**
 * One payload per turn of the event loop: a request with many large payloads (a history page the
 * Web UI decodes) must not hold a small one (the UI's next click) until it is done.
 */
async function codeInTurns(
  codec: PayloadCodec,
  route: 'encode' | 'decode',
  payloads: Payload[],
): Promise<JsonPayload[]> {
  const out: JsonPayload[] = [];
  for (const payload of payloads) {
    const [coded] = route === 'encode' ? await codec.encode([payload]) : await codec.decode([payload]);
    if (!coded) throw new Error(`the codec returned no payload from ${route}`);
    out.push(toJson(coded));
    await nextTurn();
  }
  return out;
}

function authorized(header: string | undefined, token: string): boolean {
  return sameSecret(/^Bearer (.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '', token);
}

/**
 * The token as a path prefix, `/t/<token>/decode`: a secret link for a local Web UI, which sends no
 * Authorization header of its own. Keep such a UI private: whoever can open it can read the link.
 */
function pathAuthorized(pathname: string, token: string): boolean {
  const given = /^\/t\/([^/]+)\//.exec(pathname)?.[1];
  return given !== undefined && sameSecret(decodeURIComponent(given), token);
}

/** Links a codec server URL with its token for `--ui-codec-endpoint` (local use only). */
export function uiCodecEndpoint(serverUrl: string, token: string): string {
  return `${serverUrl.replace(/\/$/, '')}/t/${encodeURIComponent(token)}`;
}

function sameSecret(givenText: string, token: string): boolean {
  const given = Buffer.from(givenText);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string): Payload[] {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'body must be {"payloads": [...]}');
  }
  // The temporal CLI sends `{}` for an empty list (a query or update without arguments).
  if (Object.keys(body).length === 0) return [];
  const payloads = (body as { payloads?: unknown }).payloads;
  if (!Array.isArray(payloads)) throw new HttpError(400, 'body must be {"payloads": [...]}');
  if (payloads.length > MAX_PAYLOADS) {
    throw new HttpError(413, `at most ${MAX_PAYLOADS} payloads per request (got ${payloads.length})`);
  }
  return payloads.map((p: JsonPayload) => ({
    metadata: Object.fromEntries(Object.entries(p?.metadata ?? {}).map(([k, v]) => [k, fromBase64(v)])),
    data: fromBase64(p?.data ?? ''),
  }));
}

function fromBase64(value: unknown): Uint8Array {
  if (typeof value !== 'string')
    throw new HttpError(400, 'payload metadata values and data must be base64 strings');
  return Buffer.from(value, 'base64');
}

function toJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
