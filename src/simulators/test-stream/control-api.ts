// The agent side over HTTP, under `/__control/` (JSON in and out), for the standalone simulator and for
// tests or benches in another process. Each route calls the TestStreamSimulator method of the same name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseControlBody as parse, serveControlRequest, splitControlPath } from '../shared/control-request';
import {
  agentIdentitySchema,
  agentTextSchema,
  endChatSchema,
  malformedSchema,
  queueUpdateSchema,
  rawEventSchema,
  rotateTokenSchema,
  typingSchema,
} from './control-schemas';
import { faultsSchema } from './faults';
import { jsonReply, writeReply, type Reply } from './http-reply';
import { MAX_BODY_BYTES } from './request-body';
import type { TestStreamSimulator } from './test-stream-simulator';

type SessionAction = (sim: TestStreamSimulator, sessionId: string, body: string) => unknown;

/** POST /__control/sessions/:id/<action> */
const sessionActions: Record<string, SessionAction> = {
  accept: (sim, id, body) => ({ eventId: sim.accept(id, parse(agentIdentitySchema, body)) }),
  'queue-update': (sim, id, body) => {
    const { position, estimatedWaitSeconds } = parse(queueUpdateSchema, body);
    return { eventId: sim.queueUpdate(id, position, estimatedWaitSeconds) };
  },
  message: (sim, id, body) => ({ eventId: sim.sendAgentMessage(id, parse(agentTextSchema, body).text) }),
  typing: (sim, id, body) => ({ eventId: sim.typing(id, parse(typingSchema, body).on) }),
  'agent-left': (sim, id) => ({ eventId: sim.agentLeft(id) }),
  end: (sim, id, body) => ({ eventId: sim.endChat(id, parse(endChatSchema, body).reason) }),
  raw: (sim, id, body) => {
    const { type, data } = parse(rawEventSchema, body);
    return { eventId: sim.pushRawEvent(id, type, data) };
  },
  'rotate-token': (sim, id, body) => {
    sim.rotateToken(id, parse(rotateTokenSchema, body).reason);
    return { ok: true }; // the new token stays in-process: it is a secret of the client's session
  },
};

function route(sim: TestStreamSimulator, method: string, path: string, body: string): Reply {
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
  if (head === 'faults' && parts.length === 1) {
    if (method === 'GET') return jsonReply(200, sim.pendingFaults());
    if (method === 'POST') {
      sim.injectFaults(parse(faultsSchema, body));
      return jsonReply(200, sim.pendingFaults());
    }
  }
  if (key === 'POST malformed' && parts.length === 1) {
    const { count, variant } = parse(malformedSchema, body);
    sim.malformedNext(count, variant);
    return jsonReply(200, sim.pendingFaults());
  }
  return jsonReply(404, { error: `No control route ${method} /__control/${path}` });
}

export async function handleControlRequest(
  sim: TestStreamSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  await serveControlRequest(req, res, {
    maxBodyBytes: MAX_BODY_BYTES,
    replies: { json: jsonReply, write: writeReply },
    route: (method, body) => route(sim, method, path, body),
  });
}
