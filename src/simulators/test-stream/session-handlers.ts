// The JSON calls: create, messages, typing, end, resume. Each gets the parsed request and answers a Reply.
import type { IncomingMessage } from 'node:http';
import {
  createSessionBodySchema,
  endBodySchema,
  ERROR_CODES,
  resumeBodySchema,
  sendMessageBodySchema,
  typingBodySchema,
} from '../../providers/test-stream/wire-schemas';
import { findSession, requireSession } from './auth';
import { errorReply, header, jsonReply, type Reply } from './http-reply';
import { parseJsonBody } from './request-body';
import type { SimulatorCore } from './simulator-core';

export interface WireRequest {
  req: IncomingMessage;
  body: string;
  sessionId: string;
}

const ACCEPTED: Reply = { status: 202 };

export function createSession(core: SimulatorCore, { req, body }: WireRequest): Reply {
  const parsed = parseJsonBody(req, body, createSessionBodySchema);
  if (!parsed.ok) return parsed.reply;
  const session = core.createSession(parsed.value);
  return jsonReply(201, { sessionId: session.id, token: session.token });
}

export function postMessage(core: SimulatorCore, { req, body, sessionId }: WireRequest): Reply {
  const checked = requireSession(core, sessionId, req.headers);
  if (!checked.ok) return checked.reply;
  const parsed = parseJsonBody(req, body, sendMessageBodySchema);
  if (!parsed.ok) return parsed.reply;
  const session = checked.value;
  if (session.ended) return errorReply(404, ERROR_CODES.sessionEnded);
  const { idempotencyKey, text } = parsed.value;
  if (session.idempotencyKeys.has(idempotencyKey)) {
    // A retry whose first answer was lost: accepted again, stored once.
    session.duplicateMessagesIgnored += 1;
    core.counters.duplicateMessagesIgnored += 1;
    return ACCEPTED;
  }
  session.idempotencyKeys.add(idempotencyKey);
  session.customerMessages.push({ idempotencyKey, text, at: core.now() });
  core.counters.customerMessages += 1;
  core.changed();
  return ACCEPTED;
}

export function postTyping(core: SimulatorCore, { req, body, sessionId }: WireRequest): Reply {
  const checked = requireSession(core, sessionId, req.headers);
  if (!checked.ok) return checked.reply;
  const parsed = parseJsonBody(req, body, typingBodySchema);
  if (!parsed.ok) return parsed.reply;
  if (checked.value.ended) return errorReply(404, ERROR_CODES.sessionEnded);
  checked.value.customerTyping = parsed.value.typing;
  core.changed();
  return ACCEPTED;
}

export function postEnd(core: SimulatorCore, { req, body, sessionId }: WireRequest): Reply {
  const checked = requireSession(core, sessionId, req.headers);
  if (!checked.ok) return checked.reply;
  const parsed = parseJsonBody(req, body, endBodySchema);
  if (!parsed.ok) return parsed.reply;
  // Ending an ended chat is answered like the first time: the retry of a lost answer must not fail.
  core.endSession(checked.value, 'client');
  return ACCEPTED;
}

export function postResume(core: SimulatorCore, { req, body, sessionId }: WireRequest): Reply {
  // The old token no longer authorizes anything: it travels in the body, and a header is a client bug.
  if (header(req.headers, 'authorization') !== undefined) return errorReply(400, ERROR_CODES.badRequest);
  const found = findSession(core, sessionId);
  if (!found.ok) return found.reply;
  const parsed = parseJsonBody(req, body, resumeBodySchema);
  if (!parsed.ok) return parsed.reply;
  const session = found.value;
  const { token } = parsed.value;
  if (token !== session.token && !session.retiredTokens.has(token)) {
    return errorReply(401, ERROR_CODES.invalidToken);
  }
  // Repeatable: every resume answers the current token.
  session.resumes += 1;
  core.counters.resumes += 1;
  core.changed();
  return jsonReply(200, { token: session.token });
}
