// Reading a request body with a size cap, and parsing it against a strict schema: the protocol's bodies
// are small JSON documents, and anything else is the client's bug.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ERROR_CODES } from '../../providers/test-stream/wire-schemas';
import { readBody as readCappedBody } from '../shared/request-body';
import { errorReply, header, type Checked } from './http-reply';

export const MAX_BODY_BYTES = 64 * 1024;

export { BodyTooLargeError } from '../shared/request-body';

export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return readCappedBody(req, maxBytes);
}

/** A JSON body of the right content type that matches `schema`, or the 415/400 refusal. */
export function parseJsonBody<S extends z.ZodType>(
  req: IncomingMessage,
  body: string,
  schema: S,
): Checked<z.infer<S>> {
  const type = header(req.headers, 'content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return { ok: false, reply: errorReply(415, ERROR_CODES.unsupportedMediaType) };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reply: errorReply(400, ERROR_CODES.badRequest) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, reply: errorReply(400, ERROR_CODES.badRequest) };
  return { ok: true, value: parsed.data };
}
