// System/SessionId (create, delete) and System/ReconnectSession (§1.4, §1.9).
import {
  LIVE_AGENT_HEADERS,
  NULL_AFFINITY,
  type ReconnectSessionResponse,
  type SessionIdResponse,
} from '../../providers/salesforce-live-agent/wire-schemas';
import { checkApiVersion, requireSession } from './guards';
import { header, jsonReply, textReply, type Reply, type SimRequest } from './http-reply';
import { INVALID_AFFINITY_TEXT, SESSION_INVALID_TEXT, type SimulatorCore } from './simulator-core';

export function handleSessionId(core: SimulatorCore, req: SimRequest): Reply {
  const versionRefusal = checkApiVersion(core, req);
  if (versionRefusal) return versionRefusal;
  // There is no token yet; the docs' examples send the literal string `null`.
  if (header(req, LIVE_AGENT_HEADERS.affinity) !== NULL_AFFINITY)
    return textReply(503, INVALID_AFFINITY_TEXT);
  const session = core.createSession();
  const body: SessionIdResponse = {
    id: session.id,
    key: session.key,
    affinityToken: session.affinity,
    clientPollTimeout: core.settings.clientPollTimeoutSec,
  };
  return jsonReply(200, body);
}

/** DELETE System/SessionId/{SESSION_KEY} (newer docs): ends the session. */
export function handleDeleteSession(core: SimulatorCore, req: SimRequest, pathKey: string): Reply {
  const checked = requireSession(core, req);
  if (!checked.ok) return checked.reply;
  if (checked.value.key !== pathKey) return textReply(403, SESSION_INVALID_TEXT);
  core.closeSession(checked.value, 'deleted');
  return textReply(200, 'OK');
}

export function handleReconnectSession(core: SimulatorCore, req: SimRequest): Reply {
  const checked = requireSession(core, req, { allowNullAffinity: true });
  if (!checked.ok) return checked.reply;
  const session = checked.value;
  const raw = req.query.get('ReconnectSession.offset');
  if (raw === null || !/^-?\d+$/.test(raw)) {
    return textReply(400, `ReconnectSession.offset must be the offset of the last Messages 200, got ${raw}`);
  }
  core.reconnect(session, Number(raw));
  const body: ReconnectSessionResponse = {
    messages: [
      { type: 'ReconnectSession', message: { resetSequence: true, affinityToken: session.affinity } },
    ],
  };
  return jsonReply(200, body);
}
