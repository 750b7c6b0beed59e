// The contact center's side over HTTP, under `/__control/` (JSON in and out), for the standalone
// simulator and for demos or benches in another process. Each route calls the GatewaySimulator method of
// the same name. No route shows a GUID, a password or a service token.
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
import type { GatewaySimulator } from './gateway-simulator';

const agentSchema = z.object({
  workNo: z.string().regex(/^\d{3,6}$/, 'an agent id of 3 to 6 digits'),
  password: z.string().min(1).max(32),
});
const callSchema = z.object({
  callid: z.string().min(1).max(64),
  mediaType: z.number().int().min(0).max(99).optional(),
});

const faultsSchema = z.object({
  http5xxNext: z.number().int().min(0).max(1000).optional(),
  status: z.number().int().min(500).max(599).optional(),
  resetNext: z.number().int().min(0).max(1000).optional(),
  dropReplyNext: z.number().int().min(0).max(1000).optional(),
  latencyNext: z.number().int().min(0).max(1000).optional(),
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  malformedNext: z.number().int().min(0).max(1000).optional(),
  randomRate: z.number().min(0).max(1).optional(),
});

type AgentAction = (sim: GatewaySimulator, workNo: string, body: string) => unknown;

/** POST /__control/agents/:workNo/<action> */
const agentActions: Record<string, AgentAction> = {
  call: (sim, workNo, body) => {
    const { callid, mediaType } = parse(callSchema, body);
    sim.callArrives(workNo, callid, mediaType);
  },
  release: (sim, workNo, body) => sim.callReleased(workNo, parse(callSchema, body).callid),
  'force-out': (sim, workNo) => sim.forceOut(workNo),
};

function route(sim: GatewaySimulator, method: string, path: string, body: string): JsonReply {
  const { parts, head, id, action, key } = splitControlPath(method, path);
  if (key === 'GET health' && parts.length === 1) return json({ ok: true, baseUrl: sim.baseUrl });
  if (key === 'GET settings' && parts.length === 1) return json(sim.settings);
  if (key === 'GET stats' && parts.length === 1) return json(sim.stats());
  if (key === 'POST failover' && parts.length === 1) return json({ signedOut: sim.failover() });
  if (key === 'GET faults' && parts.length === 1) return json(sim.pendingFaults());
  if (key === 'POST faults' && parts.length === 1) {
    sim.injectFaults(parse(faultsSchema, body));
    return json(sim.pendingFaults());
  }
  if (key === 'GET agents' && parts.length === 1) return json([...sim.agents.keys()].map((a) => sim.view(a)));
  if (key === 'POST agents' && parts.length === 1) {
    const { workNo, password } = parse(agentSchema, body);
    sim.addAgent(workNo, password);
    return json(sim.view(workNo));
  }
  if (head === 'agents' && id !== undefined && !sim.agents.has(id)) {
    throw new SimulatorControlError(404, `no agent ${id}`);
  }
  if (key === 'GET agents' && id !== undefined && parts.length === 2) return json(sim.view(id));
  if (key === 'POST agents' && id !== undefined && action !== undefined && parts.length === 3) {
    const run = Object.hasOwn(agentActions, action) ? agentActions[action] : undefined;
    if (run) return json(run(sim, id, body));
  }
  throw new SimulatorControlError(404, `no control route ${method} ${path}`);
}

export function serveGatewayControl(
  sim: GatewaySimulator,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  return serveJsonControl(req, res, 16 * 1024, (method, body) => route(sim, method, path, body));
}
