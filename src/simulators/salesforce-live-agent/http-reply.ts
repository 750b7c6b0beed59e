// The simulator's request/answer model: handlers are async functions from a parsed request to a Reply,
// so faults can delay, replace or drop an answer without each handler knowing about them.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export type Reply =
  | { kind: 'answer'; status: number; body?: string; contentType?: string }
  /** Destroy the socket without answering (reset fault). */
  | { kind: 'destroy' }
  /** The client went away before the answer; there is nobody to write to. */
  | { kind: 'gone' };

export interface SimRequest {
  method: string;
  /** Path relative to the `/chat/rest/` or `/__control/` prefix, without the query. */
  routePath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Aborted when the client closes the connection before it was answered. */
  signal: AbortSignal;
}

export function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function textReply(status: number, body = ''): Reply {
  return { kind: 'answer', status, body, contentType: 'text/plain; charset=utf-8' };
}

export function jsonReply(status: number, value: unknown): Reply {
  return { kind: 'answer', status, body: JSON.stringify(value), contentType: 'application/json' };
}

/** No body at all (204, and the empty 200/202 of most Chasitor POSTs). */
export function emptyReply(status: number): Reply {
  return { kind: 'answer', status };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (reply.kind === 'gone') return;
  if (reply.kind === 'destroy') {
    res.socket?.destroy();
    return;
  }
  if (reply.status === 204) {
    // RFC 9110: a 204 carries neither a body nor a Content-Length.
    res.writeHead(204).end();
    return;
  }
  if (reply.body === undefined) {
    res.writeHead(reply.status, { 'content-length': '0' }).end();
    return;
  }
  res
    .writeHead(reply.status, {
      'content-type': reply.contentType ?? 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(reply.body),
    })
    .end(reply.body);
}
