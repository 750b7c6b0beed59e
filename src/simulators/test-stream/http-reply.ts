// The simulator's answers: JSON bodies (`{"error": code}` for every refusal) or an empty 202.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export type Reply = { status: number; body?: unknown };

export type Checked<T> = { ok: true; value: T } | { ok: false; reply: Reply };

export function jsonReply(status: number, body: unknown): Reply {
  return { status, body };
}

export function errorReply(status: number, code: string): Reply {
  return { status, body: { error: code } };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  if (reply.body === undefined) {
    res.writeHead(reply.status, { 'content-length': '0' }).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res
    .writeHead(reply.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}
