// GET /sessions/{id}/events: the event stream. Replays every stored event after Last-Event-ID, then
// writes new ones as they are appended. A second stream while one is open is a 409 that ends the chat.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES } from '../../providers/test-stream/wire-schemas';
import { requireSession } from './auth';
import { errorReply, header, writeReply, type Checked } from './http-reply';
import type { SimSession } from './sim-session';
import { SimStream } from './sim-stream';
import type { SimulatorCore } from './simulator-core';

export async function handleEvents(
  core: SimulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
): Promise<void> {
  let checked = check(core, req, sessionId);
  if (!checked.ok) return writeReply(res, checked.reply);
  if (checked.value.session.streams.size > 0) {
    // The first stream may be closing right now; judge only once its close had time to arrive.
    await sleep(core.settings.conflictGraceMs);
    if (res.destroyed) return; // the client gave up waiting: nothing to judge
    checked = check(core, req, sessionId);
    if (!checked.ok) return writeReply(res, checked.reply);
  }
  const { session, from } = checked.value;
  if (session.streams.size > 0) {
    core.counters.conflicts409 += 1;
    core.noteConcurrent(session.streams.size + 1);
    writeReply(res, errorReply(409, ERROR_CODES.conflict));
    core.endSession(session, 'conflict');
    return;
  }
  open(core, session, res, from);
}

/** Session and token, then a Last-Event-ID the session has actually sent, then something left to send. */
function check(
  core: SimulatorCore,
  req: IncomingMessage,
  sessionId: string,
): Checked<{ session: SimSession; from: number }> {
  const auth = requireSession(core, sessionId, req.headers);
  if (!auth.ok) return auth;
  const session = auth.value;
  const raw = header(req.headers, 'last-event-id');
  let from = 0;
  if (raw !== undefined) {
    if (!/^[0-9]{1,15}$/.test(raw.trim()))
      return { ok: false, reply: errorReply(400, ERROR_CODES.badLastEventId) };
    from = Number(raw.trim());
    // An id the server never sent: a client inventing its position would skip or double events.
    if (from > session.lastEventId) return { ok: false, reply: errorReply(400, ERROR_CODES.badLastEventId) };
  }
  if (session.endedEventId !== undefined && from >= session.endedEventId) {
    return { ok: false, reply: errorReply(404, ERROR_CODES.sessionEnded) };
  }
  return { ok: true, value: { session, from } };
}

function open(core: SimulatorCore, session: SimSession, res: ServerResponse, from: number): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  res.flushHeaders();
  const stream = new SimStream(res, core.settings.pingMs, () => core.streamClosed(session, stream));
  core.openStream(session, stream);
  for (const event of session.eventsAfter(from)) core.writeEvent(stream, event);
  // An ended chat only replays: its `ended` event was just written.
  if (session.ended) core.closeStream(session, stream);
}
