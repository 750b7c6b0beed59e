// POST Chasitor/* and System/MultiNoun: headers, the duplicate filter on X-LIVEAGENT-SEQUENCE, body
// validation, then the noun's effect. A duplicate is answered as accepted but never applied twice.
import { multiNounBodySchema } from '../../providers/salesforce-live-agent/wire-schemas';
import { parseJsonBody, requireSequence, requireSession } from './guards';
import { textReply, type Reply, type SimRequest } from './http-reply';
import {
  applyNoun,
  chasitorNouns,
  defaultAccepted,
  isChasitorNoun,
  parseNounBody,
  type ChasitorNounName,
} from './chasitor-nouns';
import { SESSION_INVALID_TEXT, type SimulatorCore } from './simulator-core';
import type { SimSession } from './sim-session';

type Gate = { ok: true; session: SimSession; sequence: number } | { ok: false; reply: Reply };

/** Headers and session state shared by both routes. */
function gate(core: SimulatorCore, req: SimRequest, sequenced: boolean, needsInit: boolean): Gate {
  const checked = requireSession(core, req);
  if (!checked.ok) return checked;
  const session = checked.value;
  let sequence = 0;
  if (sequenced) {
    const seq = requireSequence(req);
    if (!seq.ok) return seq;
    sequence = seq.value;
  }
  // A chat the agent ended refuses visitor POSTs, ChatEnd included (docs/protocols/salesforce-live-agent.md §1.8).
  if (session.chatOver) return { ok: false, reply: textReply(403, SESSION_INVALID_TEXT) };
  if (needsInit && !session.initialized) return { ok: false, reply: textReply(403, SESSION_INVALID_TEXT) };
  return { ok: true, session, sequence };
}

/** True (and recorded) when this sequence was already applied. */
function isDuplicate(core: SimulatorCore, session: SimSession, path: string, sequence: number): boolean {
  if (sequence === 0 || sequence > session.seqSeenByServer) return false;
  session.droppedPosts.push({ path, sequence, at: core.now() });
  core.counters.duplicatePostsDropped += 1;
  core.emit('duplicatePost', session.id, path, sequence);
  return true;
}

function accepted(reply: Reply): boolean {
  return reply.kind === 'answer' && reply.status < 300;
}

export function handleChasitorPost(core: SimulatorCore, req: SimRequest, name: ChasitorNounName): Reply {
  const definition = chasitorNouns[name];
  const gated = gate(core, req, definition.sequenced, definition.needsInit);
  if (!gated.ok) return gated.reply;
  const { session, sequence } = gated;
  if (isDuplicate(core, session, req.routePath, sequence)) return defaultAccepted(core, name);
  const json = parseJsonBody(req);
  if (!json.ok) return json.reply;
  const body = parseNounBody(name, json.value);
  if (!body.ok) return textReply(400, body.message);
  const reply = applyNoun(name, { core, session, sequence }, body.body) ?? defaultAccepted(core, name);
  if (definition.sequenced && accepted(reply)) session.seqSeenByServer = sequence;
  return reply;
}

/** Several Chasitor POSTs under one sequence number: all valid or none applied. */
export function handleMultiNoun(core: SimulatorCore, req: SimRequest): Reply {
  const gated = gate(core, req, true, false);
  if (!gated.ok) return gated.reply;
  const { session, sequence } = gated;
  if (isDuplicate(core, session, req.routePath, sequence)) return defaultAccepted(core, 'ChatMessage');
  const json = parseJsonBody(req);
  if (!json.ok) return json.reply;
  const batch = multiNounBodySchema.safeParse(json.value);
  if (!batch.success) return textReply(400, 'Invalid MultiNoun body');
  const steps: Array<{ name: ChasitorNounName; body: unknown }> = [];
  for (const item of batch.data.nouns) {
    if (item.prefix !== 'Chasitor' || !isChasitorNoun(item.noun)) {
      return textReply(400, `Unsupported noun ${item.prefix}/${item.noun}`);
    }
    if (
      chasitorNouns[item.noun].needsInit &&
      !session.initialized &&
      !steps.some((s) => s.name === 'ChasitorInit')
    ) {
      return textReply(403, SESSION_INVALID_TEXT);
    }
    const body = parseNounBody(item.noun, item.data);
    if (!body.ok) return textReply(400, body.message);
    steps.push({ name: item.noun, body: body.body });
  }
  for (const step of steps) {
    const reply = applyNoun(step.name, { core, session, sequence }, step.body);
    if (reply && !accepted(reply)) return reply;
  }
  session.seqSeenByServer = sequence;
  return defaultAccepted(core, 'ChatMessage');
}
