// The protocol's resource table under the base path: which handler answers which method + path, with
// armed 5xx faults applied first. Unknown paths get 404, known paths with the wrong method 405.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CODES } from '../../providers/test-stream/wire-schemas';
import { handleEvents } from './events-handler';
import { errorReply, writeReply, type Reply } from './http-reply';
import { BodyTooLargeError, readBody } from './request-body';
import {
  createSession,
  postEnd,
  postMessage,
  postResume,
  postTyping,
  type WireRequest,
} from './session-handlers';
import type { SimulatorCore } from './simulator-core';

type JsonHandler = (core: SimulatorCore, request: WireRequest) => Reply;

const sessionNouns: Record<string, JsonHandler> = {
  messages: postMessage,
  typing: postTyping,
  end: postEnd,
  resume: postResume,
};

/** `path` is what follows the base path: `/sessions`, `/sessions/{id}/events`, ... */
export async function handleWireRequest(
  core: SimulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  core.counters.requests += 1;
  const method = req.method ?? 'GET';
  let body = '';
  if (method === 'POST') {
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLargeError) writeReply(res, errorReply(413, ERROR_CODES.badRequest));
      return; // otherwise the client hung up mid-body: nobody to answer
    }
  }
  const fault = core.faults.take5xx();
  if (fault !== undefined) {
    core.counters.faults5xxSent += 1;
    return writeReply(res, errorReply(fault, ERROR_CODES.fault));
  }
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'sessions' || parts.length > 3)
    return writeReply(res, errorReply(404, ERROR_CODES.notFound));
  if (parts.length === 1) {
    if (method !== 'POST') return writeReply(res, errorReply(405, ERROR_CODES.methodNotAllowed));
    return writeReply(res, createSession(core, { req, body, sessionId: '' }));
  }
  let sessionId: string;
  try {
    sessionId = decodeURIComponent(parts[1]!);
  } catch {
    return writeReply(res, errorReply(400, ERROR_CODES.badRequest));
  }
  const noun = parts[2];
  if (noun === 'events') {
    if (method !== 'GET') return writeReply(res, errorReply(405, ERROR_CODES.methodNotAllowed));
    return handleEvents(core, req, res, sessionId);
  }
  const handler = noun !== undefined && Object.hasOwn(sessionNouns, noun) ? sessionNouns[noun] : undefined;
  if (!handler) return writeReply(res, errorReply(404, ERROR_CODES.notFound));
  if (method !== 'POST') return writeReply(res, errorReply(405, ERROR_CODES.methodNotAllowed));
  writeReply(res, handler(core, { req, body, sessionId }));
}
