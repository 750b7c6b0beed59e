// `npm run sim [-- --vendor <name>] [options]`: starts one vendor's standalone simulator. The Live Agent
// simulator is the default; each vendor's own `main.ts` reads the remaining flags (`--help` lists them).
const simulators: Record<string, string> = {
  'salesforce-live-agent': './salesforce-live-agent/main',
  'genesys-gms': './genesys-gms/main',
  'huawei-cc-gateway': './huawei-cc-gateway/main',
  'test-stream': './test-stream/main',
};

const argv = process.argv;
const at = argv.findIndex((a) => a === '--vendor' || a.startsWith('--vendor='));
const vendor =
  at < 0 ? 'salesforce-live-agent' : argv[at]!.includes('=') ? argv[at]!.split('=')[1]! : argv[at + 1];
const entry = vendor === undefined ? undefined : simulators[vendor];
if (!entry) {
  console.error(`sim: unknown --vendor '${vendor}' (known: ${Object.keys(simulators).join(', ')})`);
  process.exit(2);
}
// The vendor's main parses argv itself: drop our flag so its strict parser does not refuse it.
if (at >= 0) argv.splice(at, argv[at]!.includes('=') ? 1 : 2);
void import(entry);
export {};
