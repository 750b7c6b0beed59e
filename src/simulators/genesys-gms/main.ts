// Standalone simulator: `npm run sim -- --vendor genesys-gms [--port 8092] [--flex-disconnect-timeout-ms 300000]`.
// Prints the service URL (GMS_SERVICE_URL) and how to drive the agent side through the control API.
import { parseArgs } from 'node:util';
import { numericFlag, runStandalone } from '../shared/standalone';
import { GmsSimulator, type GmsSimulatorOptions } from './gms-simulator';

const DEFAULT_PORT = 8092;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'service-name': { type: 'string' },
    'flex-disconnect-timeout-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage = `Usage: npm run sim -- --vendor genesys-gms [options]
  --port N                        (default ${DEFAULT_PORT}; 0 picks a free port)
  --host ADDR                     (default 127.0.0.1)
  --service-name NAME             the GMS chat service (default customer-support)
  --flex-disconnect-timeout-ms MS a client silent this long is logged out, 8209 (default 300000)`;

async function main(): Promise<GmsSimulator | undefined> {
  if (values.help) {
    console.log(usage);
    return undefined;
  }
  const options: GmsSimulatorOptions = {
    port: numericFlag('port', values.port, 'integer') ?? DEFAULT_PORT,
  };
  if (values.host !== undefined) options.host = values.host;
  if (values['service-name'] !== undefined) options.serviceName = values['service-name'];
  const flex = numericFlag('flex-disconnect-timeout-ms', values['flex-disconnect-timeout-ms'], 'integer');
  if (flex !== undefined) options.flexDisconnectTimeoutMs = flex;
  const sim = await GmsSimulator.start(options);
  const c = sim.controlUrl;
  console.log(`Genesys GMS simulator listening: GMS_SERVICE_URL=${sim.serviceUrl}`);
  console.log(`  flex-disconnect-timeout ${sim.settings.flexDisconnectTimeoutMs} ms`);
  console.log(`Control API (JSON): ${c}
  GET  ${c}chats | ${c}chats/<chatId> | ${c}stats | ${c}faults
  POST ${c}chats/<chatId>/join      {"nickname":"Ada"}
  POST ${c}chats/<chatId>/message   {"text":"Hello"}
  POST ${c}chats/<chatId>/typing    {"on":true}
  POST ${c}chats/<chatId>/transfer  {"nickname":"Grace"}
  POST ${c}chats/<chatId>/notice    {"text":"You are number 2 in the queue"}
  POST ${c}chats/<chatId>/share-file {"name":"label.pdf","type":"application/pdf","base64":"JVBERi0="}
  POST ${c}chats/<chatId>/end | rotate-alias
  POST ${c}faults                   {"statusCode1Next":3,"http5xxNext":2,"status":503,"dropReplyNext":1}`);
  return sim;
}

runStandalone(main);
