// Standalone simulator: `npm run sim -- [--port 8090] [--hold-ms 30000] [--auto-accept "Agent Name"] ...`.
// Prints the chat API base URL and how to drive the agent side through the control API.
import { parseArgs } from 'node:util';
import { numericFlag, runStandalone } from '../shared/standalone';
import { LiveAgentSimulator } from './live-agent-simulator';
import type { LiveAgentSimulatorOptions } from './settings';

const DEFAULT_PORT = 8090;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'api-version': { type: 'string' },
    'hold-ms': { type: 'string' },
    'client-poll-timeout-sec': { type: 'string' },
    'session-timeout-ms': { type: 'string' },
    'organization-id': { type: 'string' },
    'deployment-id': { type: 'string' },
    'button-id': { type: 'string' },
    'auto-accept': { type: 'string' },
    'auto-accept-delay-ms': { type: 'string' },
    'queue-position': { type: 'string' },
    'failover-rate': { type: 'string' },
    'status5xx-rate': { type: 'string' },
    'latency-rate': { type: 'string' },
    'reset-rate': { type: 'string' },
    'malformed-rate': { type: 'string' },
    'chaos-latency-ms': { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage = `Usage: npm run sim -- [options]
  --port N                    (default: $LIVE_AGENT_SIM_PORT or ${DEFAULT_PORT})
  --host ADDR                 (default 127.0.0.1)
  --api-version V             accepted X-LIVEAGENT-API-VERSION (default 52)
  --hold-ms MS                empty poll hold before 204 (default 30000)
  --client-poll-timeout-sec S clientPollTimeout returned by SessionId (default 40)
  --session-timeout-ms MS     poll gap that expires a session (default 45000)
  --organization-id / --deployment-id / --button-id   ids ChasitorInit must carry
  --auto-accept "Agent Name"  a scripted agent accepts every chat
  --auto-accept-delay-ms MS   (default 0)
  --queue-position N          queuePosition in ChatRequestSuccess (default 1)
  --failover-rate P, --status5xx-rate P, --latency-rate P, --reset-rate P, --malformed-rate P   chaos (0..1)
  --chaos-latency-ms MS, --seed N`;

const num = (flag: string): number | undefined =>
  numericFlag(flag, values[flag as keyof typeof values], 'number');

function envPort(): number {
  const raw = process.env.LIVE_AGENT_SIM_PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port)) throw new Error(`LIVE_AGENT_SIM_PORT must be a port number, got ${raw}`);
  return port;
}

/** Only the flags given, so the settings schema supplies every default. */
function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function main(): Promise<LiveAgentSimulator | undefined> {
  if (values.help) {
    console.log(usage);
    return undefined;
  }
  const autoAccept = values['auto-accept'];
  const faultRates = definedOnly({
    status5xx: num('status5xx-rate'),
    latency: num('latency-rate'),
    reset: num('reset-rate'),
    malformed: num('malformed-rate'),
  });
  const options: LiveAgentSimulatorOptions = definedOnly({
    port: num('port') ?? envPort(),
    host: values.host,
    apiVersion: values['api-version'],
    holdMs: num('hold-ms'),
    clientPollTimeoutSec: num('client-poll-timeout-sec'),
    sessionTimeoutMs: num('session-timeout-ms'),
    organizationId: values['organization-id'],
    deploymentId: values['deployment-id'],
    buttonId: values['button-id'],
    autoAccept: autoAccept ? { agentName: autoAccept, delayMs: num('auto-accept-delay-ms') ?? 0 } : undefined,
    queuePosition: num('queue-position'),
    failoverRate: num('failover-rate'),
    faultRates: Object.keys(faultRates).length > 0 ? faultRates : undefined,
    chaosLatencyMs: num('chaos-latency-ms'),
    seed: num('seed'),
  });
  const sim = await LiveAgentSimulator.start(options);
  const c = sim.controlUrl;
  const s = sim.settings;
  console.log(`Live Agent simulator listening: ${sim.url}`);
  console.log(
    `  api version ${s.apiVersion}, org ${s.organizationId}, deployment ${s.deploymentId}, button ${s.buttonId}`,
  );
  console.log(
    `  hold ${s.holdMs} ms, session timeout ${s.sessionTimeoutMs} ms, clientPollTimeout ${s.clientPollTimeoutSec} s`,
  );
  console.log(`Control API (JSON): ${c}
  GET  ${c}sessions | ${c}sessions/<id> | ${c}stats | ${c}events?after=0&waitMs=30000
  POST ${c}sessions/<id>/accept        {"agentName":"Ada"}
  POST ${c}sessions/<id>/message       {"text":"Hello"}
  POST ${c}sessions/<id>/typing        {"on":true}
  POST ${c}sessions/<id>/transfer      {"agentName":"Bob"}
  POST ${c}sessions/<id>/queue-update  {"position":2}
  POST ${c}sessions/<id>/custom-event  {"type":"t","data":"d"}
  POST ${c}sessions/<id>/file-transfer | disconnect-agent | end | fail-request | raw {"type":"X","message":{}}
  POST ${c}failover                    {"sessionId":"<id>"} (omit for all sessions)
  POST ${c}faults                      {"kind":"status","status":503,"count":1,"path":"System/Messages"}
  POST ${c}chaos                       {"faultRates":{"status5xx":0.05},"failoverRate":0.01}
e.g. curl -s -XPOST ${c}sessions/<id>/message -d '{"text":"Hello"}'`);
  return sim;
}

runStandalone(main);
