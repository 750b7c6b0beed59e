// GET System/Messages?ack=n, the long poll (docs/protocols/salesforce-live-agent.md §1.6): everything after `ack` at once, else hold
// up to holdMs and answer 204. One poll per session: a second one is a 409 that ends the chat.
import { sleepUnlessAborted } from '../../util/abortable-sleep';
import { requireSession } from './guards';
import { emptyReply, jsonReply, textReply, type Reply, type SimRequest } from './http-reply';
import { SESSION_INVALID_TEXT, type SimulatorCore } from './simulator-core';
import type { OpenPoll, PollOutcome, SimSession } from './sim-session';

type AckCheck = { ok: true; ack: number } | { ok: false; reply: Reply };

function parseAck(core: SimulatorCore, session: SimSession, raw: string | null): AckCheck {
  if (raw === null || !/^-?\d+$/.test(raw) || Number(raw) < -1) {
    return { ok: false, reply: textReply(400, `ack must be -1 or the sequence of the last 200, got ${raw}`) };
  }
  const ack = Number(raw);
  // A client computing ack itself instead of echoing `sequence` is the classic bug (§1.13).
  if (core.settings.strictAck && ack > session.highestSequenceSent) {
    return {
      ok: false,
      reply: textReply(400, `ack ${ack} is ahead of the last sequence sent (${session.highestSequenceSent})`),
    };
  }
  return { ok: true, ack };
}

/** Everything up to opening the poll: the checks run again after a conflict grace wait. */
function admit(
  core: SimulatorCore,
  req: SimRequest,
): { ok: true; session: SimSession; ack: number } | { ok: false; reply: Reply } {
  const checked = requireSession(core, req);
  if (!checked.ok) return checked;
  const session = checked.value;
  if (!session.initialized) return { ok: false, reply: textReply(403, SESSION_INVALID_TEXT) };
  const ack = parseAck(core, session, req.query.get('ack'));
  if (!ack.ok) return ack;
  session.discardThrough(ack.ack);
  // The final message was delivered and acknowledged: the session is gone.
  if (session.finalMessageNumber !== undefined && ack.ack >= session.finalMessageNumber) {
    core.closeSession(session, session.endReason ?? 'agent');
    return { ok: false, reply: textReply(403, SESSION_INVALID_TEXT) };
  }
  return { ok: true, session, ack: ack.ack };
}

export async function handleMessages(core: SimulatorCore, req: SimRequest): Promise<Reply> {
  let admitted = admit(core, req);
  if (admitted.ok && admitted.session.openPoll && core.settings.conflictGraceMs > 0) {
    // The first poll may be one the client already aborted whose close the server has not seen yet.
    await sleepUnlessAborted(core.settings.conflictGraceMs, req.signal);
    if (req.signal.aborted) return { kind: 'gone' };
    admitted = admit(core, req);
  }
  if (!admitted.ok) return admitted.reply;
  const { session, ack } = admitted;
  if (session.openPoll) {
    core.conflict(session);
    return textReply(409, 'Conflict');
  }
  return openPoll(core, req, session, ack);
}

function openPoll(core: SimulatorCore, req: SimRequest, session: SimSession, ack: number): Promise<Reply> {
  return new Promise<Reply>((resolve) => {
    const hold: { timer?: NodeJS.Timeout } = {};
    const finish = (reply: Reply, status: number) => {
      clearTimeout(hold.timer);
      req.signal.removeEventListener('abort', onAbort);
      session.endPoll(poll, core.now());
      if (status === 200 || status === 204) core.counters.pollsServed += 1;
      core.emit('pollClosed', session.id, status);
      resolve(reply);
    };
    const poll: OpenPoll = {
      startedAt: core.now(),
      ack,
      settle(outcome: PollOutcome) {
        if (session.openPoll !== poll) return;
        if (outcome.kind === 'status') {
          finish(textReply(outcome.status, outcome.text), outcome.status);
        } else if (session.hasPendingAfter(ack)) {
          const { offset, ...withoutOffset } = session.takeBatch(ack);
          finish(
            jsonReply(200, core.settings.sendOffset ? { ...withoutOffset, offset } : withoutOffset),
            200,
          );
        }
      },
    };
    // A closed connection means no poll is open any more (the slot is free, the expiry clock runs).
    const onAbort = () => {
      if (session.openPoll === poll) finish({ kind: 'gone' }, 0);
    };
    session.beginPoll(poll, poll.startedAt);
    core.counters.maxConcurrentPollsPerSession = Math.max(core.counters.maxConcurrentPollsPerSession, 1);
    core.emit('pollOpened', session.id, ack);
    if (req.signal.aborted) return onAbort();
    if (session.hasPendingAfter(ack)) return poll.settle({ kind: 'messages' });
    req.signal.addEventListener('abort', onAbort);
    hold.timer = setTimeout(() => {
      if (session.openPoll === poll) finish(emptyReply(204), 204);
    }, core.settings.holdMs);
  });
}
