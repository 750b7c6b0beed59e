// The plumbing of a simulator's control API under `/__control/`: read the JSON body, split the path, run
// the vendor's router and turn refusals (bad JSON, schema misses, SimulatorControlError) into answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { SimulatorControlError } from '../shared/control-error';
import { BodyTooLargeError, readBody } from './request-body';

/** A control request the router refuses with 400. */
export class BadRequest extends Error {}

/** `body` parsed against `schema`; an empty body counts as `{}`. Throws BadRequest. */
export function parseControlBody<S extends z.ZodType>(schema: S, body: string): z.infer<S> {
  let json: unknown;
  try {
    json = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new BadRequest('Bad JSON in request body');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new BadRequest(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

export interface ControlPath {
  /** Decoded path segments (a bad escape throws URIError, answered 400). */
  parts: string[];
  head: string | undefined;
  id: string | undefined;
  action: string | undefined;
  /** `${method} ${head}`, e.g. `GET sessions`. */
  key: string;
}

export function splitControlPath(method: string, path: string): ControlPath {
  const parts = path
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [head, id, action] = parts;
  return { parts, head, id, action, key: `${method} ${head ?? ''}` };
}

/** How a simulator builds and writes its JSON answers. */
export interface ControlReplies<R> {
  json(status: number, value: unknown): R;
  write(res: ServerResponse, reply: R): void;
}

/** A JSON answer: the status and the value written as the body. */
export interface JsonReply {
  status: number;
  body: unknown;
}

/** A 200 answer with `value` (or `{ok: true}` for a route that returns nothing). */
export function jsonOk(value: unknown): JsonReply {
  return { status: 200, body: value ?? { ok: true } };
}

/** Replies as JSON answers (the GMS and CC-Gateway simulators). */
const jsonReplies: ControlReplies<JsonReply> = {
  json: (status, body) => ({ status, body }),
  write: (res, reply) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  },
};

export async function serveControlRequest<R>(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    maxBodyBytes: number;
    replies: ControlReplies<R>;
    /** Aborted when the caller hangs up before the answer. */
    route: (method: string, body: string, signal: AbortSignal) => R | Promise<R>;
  },
): Promise<void> {
  const { replies } = options;
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  let body: string;
  try {
    body = await readBody(req, options.maxBodyBytes);
  } catch (error) {
    if (error instanceof BodyTooLargeError) replies.write(res, replies.json(413, { error: error.message }));
    return; // otherwise the caller hung up mid-body: nobody to answer
  }
  let reply: R;
  try {
    reply = await options.route(req.method ?? 'GET', body, controller.signal);
  } catch (error) {
    if (error instanceof SimulatorControlError) reply = replies.json(error.status, { error: error.message });
    else if (error instanceof BadRequest || error instanceof URIError) {
      reply = replies.json(400, { error: error.message });
    } else throw error;
  }
  if (!res.writableEnded && !res.destroyed) replies.write(res, reply);
}

/** serveControlRequest with JSON answers: `route` returns the status and the value. */
export function serveJsonControl(
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  route: (method: string, body: string) => JsonReply,
): Promise<void> {
  return serveControlRequest(req, res, { maxBodyBytes, replies: jsonReplies, route });
}
