// The agent side over HTTP, under `/__control/` (JSON in and out), for the standalone simulator and for
// tests or benches in another process. Each route calls the LiveAgentSimulator method of the same name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BadRequest,
  parseControlBody as parse,
  serveControlRequest,
  splitControlPath,
} from '../shared/control-request';
import {
  agentIdentitySchema,
  agentTextSchema,
  chaosSchema,
  customEventSchema,
  failoverSchema,
  failRequestSchema,
  queueUpdateSchema,
  rawMessageControlSchema,
  typingSchema,
} from './control-schemas';
import { faultSchema } from './faults';
import { jsonReply, writeReply, type Reply } from './http-reply';
import type { LiveAgentSimulator } from './live-agent-simulator';
import { MAX_BODY_BYTES } from './request-body';

type SessionAction = (sim: LiveAgentSimulator, sessionId: string, body: string) => unknown;

/** POST /__control/sessions/:id/<action> */
const sessionActions: Record<string, SessionAction> = {
  accept: (sim, id, body) => ({ queued: [sim.accept(id, parse(agentIdentitySchema, body))] }),
  message: (sim, id, body) => ({ queued: [sim.sendAgentMessage(id, parse(agentTextSchema, body).text)] }),
  typing: (sim, id, body) => ({ queued: [sim.typing(id, parse(typingSchema, body).on)] }),
  transfer: (sim, id, body) => ({ queued: sim.transfer(id, parse(agentIdentitySchema, body)) }),
  'queue-update': (sim, id, body) => {
    const { position, estimatedWaitTime } = parse(queueUpdateSchema, body);
    const number = sim.queueUpdate(id, position, estimatedWaitTime);
    return { queued: number === undefined ? [] : [number] };
  },
  'custom-event': (sim, id, body) => {
    const { type, data } = parse(customEventSchema, body);
    return { queued: [sim.customEvent(id, type, data)] };
  },
  'file-transfer': (sim, id) => ({ queued: [sim.fileTransferRequest(id)] }),
  'disconnect-agent': (sim, id) => ({ queued: [sim.disconnectAgent(id)] }),
  end: (sim, id) => ({ queued: [sim.endChat(id)] }),
  'fail-request': (sim, id, body) => ({
    queued: [sim.failRequest(id, parse(failRequestSchema, body).reason)],
  }),
  raw: (sim, id, body) => {
    const { type, message } = parse(rawMessageControlSchema, body);
    return { queued: [sim.pushRawMessage(id, type, message)] };
  },
  failover: (sim, id) => {
    sim.failover(id);
    return { ok: true };
  },
};

async function route(
  sim: LiveAgentSimulator,
  method: string,
  path: string,
  query: URLSearchParams,
  body: string,
  signal: AbortSignal,
): Promise<Reply> {
  const { parts, head, id, action, key } = splitControlPath(method, path);
  if (key === 'GET health' && parts.length === 1) return jsonReply(200, { ok: true, url: sim.url });
  if (key === 'GET settings' && parts.length === 1) return jsonReply(200, sim.settings);
  if (key === 'GET stats' && parts.length === 1) return jsonReply(200, sim.stats());
  if (key === 'GET sessions' && parts.length === 1) return jsonReply(200, sim.sessions());
  if (key === 'GET sessions' && id !== undefined && parts.length === 2)
    return jsonReply(200, sim.session(id));
  if (key === 'POST sessions' && id !== undefined && action !== undefined && parts.length === 3) {
    const run = Object.hasOwn(sessionActions, action) ? sessionActions[action] : undefined;
    if (run) return jsonReply(200, run(sim, id, body));
  }
  if (key === 'POST failover' && parts.length === 1) {
    sim.failover(parse(failoverSchema, body).sessionId);
    return jsonReply(200, { ok: true });
  }
  if (head === 'faults' && parts.length === 1) {
    if (method === 'GET') return jsonReply(200, sim.pendingFaults());
    if (method === 'POST') return jsonReply(200, sim.injectFault(parse(faultSchema, body)));
    if (method === 'DELETE') {
      sim.clearFaults();
      return jsonReply(200, { ok: true });
    }
  }
  if (key === 'POST chaos' && parts.length === 1) {
    sim.setChaos(parse(chaosSchema, body));
    return jsonReply(200, { ok: true });
  }
  if (key === 'GET events' && parts.length === 1) {
    const after = Number(query.get('after') ?? '0');
    const waitMs = Math.min(Number(query.get('waitMs') ?? '0'), 60_000);
    if (!Number.isFinite(after) || !Number.isFinite(waitMs))
      throw new BadRequest('after and waitMs are numbers');
    return jsonReply(200, await sim.events(after, waitMs, signal));
  }
  return jsonReply(404, { error: `No control route ${method} /__control/${path}` });
}

export async function handleControlRequest(
  sim: LiveAgentSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  await serveControlRequest(req, res, {
    maxBodyBytes: MAX_BODY_BYTES,
    replies: { json: jsonReply, write: writeReply },
    route: (method, body, signal) => route(sim, method, path, query, body, signal),
  });
}
