// The agent side over HTTP, under `/__control/` (JSON in and out), for the standalone simulator and for
// tests, demos or benches in another process. Each route calls the GmsSimulator method of the same name.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { SimulatorControlError } from '../shared/control-error';
import {
  jsonOk as json,
  parseControlBody as parse,
  serveJsonControl,
  splitControlPath,
  type JsonReply,
} from '../shared/control-request';
import type { GmsSimulator } from './gms-simulator';

const agentSchema = z.object({
  nickname: z.string().min(1).max(100),
  type: z.enum(['Agent', 'Supervisor', 'External']).optional(),
});
const textSchema = z.object({
  text: z
    .string()
    .min(1)
    .max(64 * 1024),
});
const typingSchema = z.object({ on: z.boolean() });
const faultsSchema = z.object({
  statusCode1Next: z.number().int().min(0).max(1000).optional(),
  http5xxNext: z.number().int().min(0).max(1000).optional(),
  status: z.number().int().min(500).max(599).optional(),
  dropReplyNext: z.number().int().min(0).max(1000).optional(),
  resetNext: z.number().int().min(0).max(1000).optional(),
  latencyNext: z.number().int().min(0).max(1000).optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  malformedNext: z.number().int().min(0).max(1000).optional(),
  randomRate: z.number().min(0).max(1).optional(),
});

const shareFileSchema = z.object({
  name: z.string().min(1).max(255),
  type: z.string().min(1).max(255).default('application/octet-stream'),
  base64: z.base64().max(96 * 1024),
});

type ChatAction = (sim: GmsSimulator, chatId: string, body: string) => unknown;

/** POST /__control/chats/:id/<action> */
const chatActions: Record<string, ChatAction> = {
  join: (sim, id, body) => {
    const { nickname, type } = parse(agentSchema, body);
    return sim.agentJoins(id, nickname, type);
  },
  message: (sim, id, body) => sim.agentSays(id, parse(textSchema, body).text),
  typing: (sim, id, body) => sim.agentTyping(id, parse(typingSchema, body).on),
  transfer: (sim, id, body) => sim.transfer(id, parse(agentSchema, body).nickname),
  notice: (sim, id, body) => sim.notice(id, parse(textSchema, body).text),
  end: (sim, id) => sim.endChat(id),
  'share-file': (sim, id, body) => {
    const { name, type, base64 } = parse(shareFileSchema, body);
    return { fileId: sim.agentSharesFile(id, { name, type, bytes: Buffer.from(base64, 'base64') }) };
  },
  // The new alias is not secret (it names a Chat Server), but the client learns it from GMS, not here.
  'rotate-alias': (sim, id) => void sim.rotateAlias(id),
};

function route(sim: GmsSimulator, method: string, path: string, body: string): JsonReply {
  const { parts, head, id, action, key } = splitControlPath(method, path);
  if (key === 'GET health' && parts.length === 1) return json({ ok: true, serviceUrl: sim.serviceUrl });
  if (key === 'GET settings' && parts.length === 1) return json(sim.settings);
  if (key === 'GET stats' && parts.length === 1) return json(sim.stats());
  if (key === 'GET chats' && parts.length === 1) return json([...sim.chats.keys()].map((c) => sim.view(c)));
  if (head === 'chats' && id !== undefined && !sim.chats.has(id)) {
    throw new SimulatorControlError(404, `no chat ${id}`);
  }
  if (key === 'GET chats' && id !== undefined && parts.length === 2) return json(sim.view(id));
  if (key === 'POST chats' && id !== undefined && action !== undefined && parts.length === 3) {
    const run = Object.hasOwn(chatActions, action) ? chatActions[action] : undefined;
    if (run) return json(run(sim, id, body));
  }
  if (key === 'GET faults' && parts.length === 1) return json(sim.pendingFaults());
  if (key === 'POST faults' && parts.length === 1) {
    sim.injectFaults(parse(faultsSchema, body));
    return json(sim.pendingFaults());
  }
  throw new SimulatorControlError(404, `no control route ${method} ${path}`);
}

export function serveGmsControl(
  sim: GmsSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  return serveJsonControl(req, res, 128 * 1024, (method, body) => route(sim, method, path, body));
}
