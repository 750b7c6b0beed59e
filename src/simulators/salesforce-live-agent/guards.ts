// Header checks every resource makes, in the order the server makes them: API version (400), session
// key (403), affinity (503), sequence (400). Each returns the refusal, or what it validated.
import { LIVE_AGENT_HEADERS, NULL_AFFINITY } from '../../providers/salesforce-live-agent/wire-schemas';
import { header, textReply, type Reply, type SimRequest } from './http-reply';
import { INVALID_AFFINITY_TEXT, SESSION_INVALID_TEXT, type SimulatorCore } from './simulator-core';
import type { SimSession } from './sim-session';

export type Checked<T> = { ok: true; value: T } | { ok: false; reply: Reply };

const refuse = (reply: Reply): { ok: false; reply: Reply } => ({ ok: false, reply });

export function checkApiVersion(core: SimulatorCore, req: SimRequest): Reply | undefined {
  const version = header(req, LIVE_AGENT_HEADERS.apiVersion);
  if (version === undefined) return textReply(400, `Missing ${LIVE_AGENT_HEADERS.apiVersion} header`);
  if (version !== core.settings.apiVersion) {
    return textReply(
      400,
      `Unsupported API version ${version}; this server speaks ${core.settings.apiVersion}`,
    );
  }
  return undefined;
}

export interface SessionCheckOptions {
  /** SessionId and ReconnectSession send the literal `null` affinity (docs/protocols/salesforce-live-agent.md §1.2). */
  allowNullAffinity?: boolean;
}

/** API version, then a live session for the key, then its current affinity token. */
export function requireSession(
  core: SimulatorCore,
  req: SimRequest,
  options: SessionCheckOptions = {},
): Checked<SimSession> {
  const versionRefusal = checkApiVersion(core, req);
  if (versionRefusal) return refuse(versionRefusal);
  const session = core.store.byKey(header(req, LIVE_AGENT_HEADERS.sessionKey));
  if (!session) return refuse(textReply(403, SESSION_INVALID_TEXT));
  core.checkExpiry(session);
  if (session.closed) return refuse(textReply(403, SESSION_INVALID_TEXT));
  const affinity = header(req, LIVE_AGENT_HEADERS.affinity);
  const nullAllowed = options.allowNullAffinity === true && affinity === NULL_AFFINITY;
  if (affinity !== session.affinity && !nullAllowed) return refuse(textReply(503, INVALID_AFFINITY_TEXT));
  return { ok: true, value: session };
}

/** X-LIVEAGENT-SEQUENCE: a positive integer (clients start at 1, §1.2). */
export function requireSequence(req: SimRequest): Checked<number> {
  const raw = header(req, LIVE_AGENT_HEADERS.sequence);
  if (raw === undefined) return refuse(textReply(400, `Missing ${LIVE_AGENT_HEADERS.sequence} header`));
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    return refuse(textReply(400, `${LIVE_AGENT_HEADERS.sequence} must be a positive integer, got ${raw}`));
  }
  return { ok: true, value: Number(raw) };
}

/** Parse a JSON body; an empty body is `undefined` (Typing sends none). */
export function parseJsonBody(req: SimRequest): Checked<unknown> {
  if (req.body.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(req.body) as unknown };
  } catch {
    return refuse(textReply(400, 'Bad JSON in request body'));
  }
}
