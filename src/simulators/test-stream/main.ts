// Standalone simulator: `tsx src/simulators/test-stream/main.ts [--port 8091] [--silence-limit-ms 30000]`.
// Prints the base URL (TEST_STREAM_URL) and how to drive the agent side through the control API.
import { parseArgs } from 'node:util';
import { numericFlag, runStandalone } from '../shared/standalone';
import type { TestStreamSimulatorOptions } from './settings';
import { TestStreamSimulator } from './test-stream-simulator';

const DEFAULT_PORT = 8091;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'silence-limit-ms': { type: 'string' },
    'ping-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage = `Usage: tsx src/simulators/test-stream/main.ts [options]
  --port N               (default ${DEFAULT_PORT}; 0 picks a free port)
  --host ADDR            (default 127.0.0.1)
  --silence-limit-ms MS  no stream open this long expires a session (default 30000)
  --ping-ms MS           ': ping' comment interval on open streams (default 15000)`;

function num(flag: 'port' | 'silence-limit-ms' | 'ping-ms'): number | undefined {
  return numericFlag(flag, values[flag], 'integer');
}

async function main(): Promise<TestStreamSimulator | undefined> {
  if (values.help) {
    console.log(usage);
    return undefined;
  }
  const options: TestStreamSimulatorOptions = { port: num('port') ?? DEFAULT_PORT };
  if (values.host !== undefined) options.host = values.host;
  const silence = num('silence-limit-ms');
  if (silence !== undefined) options.silenceLimitMs = silence;
  const ping = num('ping-ms');
  if (ping !== undefined) options.pingMs = ping;
  const sim = await TestStreamSimulator.start(options);
  const c = sim.controlUrl;
  console.log(`test-stream simulator listening: TEST_STREAM_URL=${sim.url}`);
  console.log(`  silence limit ${sim.settings.silenceLimitMs} ms, ping every ${sim.settings.pingMs} ms`);
  console.log(`Control API (JSON): ${c}
  GET  ${c}sessions | ${c}sessions/<id> | ${c}stats
  POST ${c}sessions/<id>/accept        {"agentName":"Ada"}
  POST ${c}sessions/<id>/message       {"text":"Hello"}
  POST ${c}sessions/<id>/typing        {"on":true}
  POST ${c}sessions/<id>/queue-update  {"position":2}
  POST ${c}sessions/<id>/agent-left | end {"reason":"agent"} | rotate-token | raw {"type":"x","data":{}}
  POST ${c}faults                      {"status5xxNext":1,"status":503}
  POST ${c}malformed                   {"count":1,"variant":"invalid-json"}`);
  return sim;
}

runStandalone(main);
