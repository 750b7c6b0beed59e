// `npm run demo [-- --vendor genesys-gms | huawei-cc-gateway]`: the whole product on one machine. A
// Temporal dev server with its Web UI, the vendor's simulator (Live Agent by default), bridge worker
// processes and a signed webhook receiver. For a chat vendor, one chat relayed both ways through a vendor
// failover and a worker SIGKILL (chat-story.ts); for Huawei CC-Gateway, one agent kept signed in through
// calls, GUID rotations, a worker SIGKILL and a gateway failover (presence-story.ts). Exits non-zero if
// anything was lost or doubled.
import { startDemoPlatform, type DemoPlatform } from './demo-platform';
import { runChatStory } from './chat-story';
import { genesysGmsDemo } from './genesys-gms-demo';
import { liveAgentDemo } from './live-agent-demo';
import { runPresenceStory } from './presence-story';

type Story = (platform: DemoPlatform, recordName: string | undefined) => Promise<number>;

const stories: Record<string, Story> = {
  'salesforce-live-agent': (platform, record) => runChatStory(platform, liveAgentDemo, record),
  'genesys-gms': (platform, record) => runChatStory(platform, genesysGmsDemo, record),
  'huawei-cc-gateway': (platform) => runPresenceStory(platform),
};

async function main(): Promise<number> {
  const vendorArg = process.argv.find((a) => a.startsWith('--vendor'));
  const vendorName =
    vendorArg === '--vendor' ? process.argv[process.argv.indexOf(vendorArg) + 1] : vendorArg?.split('=')[1];
  const story = stories[vendorName ?? 'salesforce-live-agent'];
  if (!story) {
    console.error(`demo: unknown --vendor '${vendorName}' (known: ${Object.keys(stories).join(', ')})`);
    return 2;
  }
  // `--record-history[=name]`: save the session's history as test/fixtures/histories/<name>.binpb for the
  // replay tests (default name: demo-session). Each fixture guards replay of the code that recorded it.
  const recordArg = process.argv.find((a) => a === '--record-history' || a.startsWith('--record-history='));
  const recordName = recordArg === undefined ? undefined : recordArg.split('=')[1] || 'demo-session';
  const platform = await startDemoPlatform({ encrypt: recordName === undefined });
  try {
    return await story(platform, recordName);
  } finally {
    await platform.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
