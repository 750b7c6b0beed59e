// Standalone simulator: `npm run sim -- --vendor huawei-cc-gateway [--port 8043] [--agent 1001:secret]`.
// Prints the gateway URL (HUAWEI_GATEWAY_URL) and how to drive the contact center through the control API.
import { parseArgs } from 'node:util';
import { numericFlag, runStandalone } from '../shared/standalone';
import { GatewaySimulator, type GatewaySimulatorOptions } from './gateway-simulator';

const DEFAULT_PORT = 8043;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    agent: { type: 'string', multiple: true },
    'poll-hold-ms': { type: 'string' },
    'heartbeat-timeout-ms': { type: 'string' },
    'guid-interval-ms': { type: 'string' },
    'guid-grace-ms': { type: 'string' },
    'auth-mode': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage = `Usage: npm run sim -- --vendor huawei-cc-gateway [options]
  --port N                   (default ${DEFAULT_PORT}, plain HTTP; 0 picks a free port)
  --host ADDR                (default 127.0.0.1)
  --agent WORKNO:PASSWORD    an agent the gateway knows (repeatable; default 1001:agent-secret)
  --poll-hold-ms MS          an event poll with nothing to answer is held this long (default 10000)
  --heartbeat-timeout-ms MS  an agent silent this long is signed out, reason 260 (default 120000)
  --guid-interval-ms MS      AUTHMODE 2: the GUID rotates this often (default 60000)
  --guid-grace-ms MS         a rotated-out GUID is accepted this long (default 120000)
  --auth-mode 1|2            1: the sign-in GUID holds for the whole login (default 2)`;

async function main(): Promise<GatewaySimulator | undefined> {
  if (values.help) {
    console.log(usage);
    return undefined;
  }
  const options: GatewaySimulatorOptions = {
    port: numericFlag('port', values.port, 'integer') ?? DEFAULT_PORT,
  };
  if (values.host !== undefined) options.host = values.host;
  const knobs = {
    pollHoldMs: 'poll-hold-ms',
    heartbeatTimeoutMs: 'heartbeat-timeout-ms',
    guidIntervalMs: 'guid-interval-ms',
    guidGraceMs: 'guid-grace-ms',
  } as const;
  for (const [option, flag] of Object.entries(knobs)) {
    const value = numericFlag(flag, values[flag], 'integer');
    if (value !== undefined) options[option as keyof typeof knobs] = value;
  }
  const authMode = numericFlag('auth-mode', values['auth-mode'], 'integer');
  if (authMode !== undefined && authMode !== 1 && authMode !== 2) {
    throw new Error(`--auth-mode expects 1 or 2, got ${authMode}`);
  }
  if (authMode !== undefined) options.authMode = authMode;
  const agents = (values.agent ?? ['1001:agent-secret']).map((spec) => {
    const [workNo, password] = spec.split(/:(.*)/s);
    if (!workNo || !/^\d{3,6}$/.test(workNo) || !password) {
      throw new Error(`--agent expects WORKNO:PASSWORD (3 to 6 digits), got ${spec}`);
    }
    return { workNo, password };
  });
  const sim = await GatewaySimulator.start(options);
  for (const { workNo, password } of agents) sim.addAgent(workNo, password);
  const c = sim.controlUrl;
  const s = sim.settings;
  console.log(`Huawei CC-Gateway simulator listening: HUAWEI_GATEWAY_URL=${sim.baseUrl}`);
  console.log(
    `  agents ${agents.map((a) => a.workNo).join(', ')}; AUTHMODE ${s.authMode}, GUID every ${s.guidIntervalMs} ms ` +
      `(grace ${s.guidGraceMs} ms); sign-out after ${s.heartbeatTimeoutMs} ms of silence; poll hold ${s.pollHoldMs} ms`,
  );
  console.log(`Control API (JSON): ${c}
  GET  ${c}agents | ${c}agents/<workNo> | ${c}stats | ${c}settings
  POST ${c}agents                     {"workNo":"1002","password":"agent-secret"}
  POST ${c}agents/<workNo>/call       {"callid":"c-1"}     a call reaches the agent (ringing, talking)
  POST ${c}agents/<workNo>/release    {"callid":"c-1"}     the call is released
  POST ${c}agents/<workNo>/force-out                      an inspector signs the agent out
  POST ${c}failover                                       every agent signed out by the platform
  POST ${c}faults   {"http5xxNext":2,"status":503,"resetNext":1,"dropReplyNext":1,"latencyNext":1,"latencyMs":3000,"malformedNext":1,"randomRate":0.05}`);
  return sim;
}

runStandalone(main);
