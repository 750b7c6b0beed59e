#!/usr/bin/env node
// `npx temporal-chat-bridge worker`: the bridge's worker process from the installed package, configured
// by the environment exactly like `npm run worker` (README, "Worker configuration").
const usage = `Usage: temporal-chat-bridge worker

  worker   run a chat-bridge worker: sessions, their activities and this process's connection hub.
           Settings come from the environment (TEMPORAL_ADDRESS, CHAT_BRIDGE_TASK_QUEUE, LIVE_AGENT_URL,
           WEBHOOK_SECRET, PAYLOAD_ENCRYPTION_KEYS, ...); a bad value exits with code 2 naming it.`;

const [command, ...rest] = process.argv.slice(2);
if (command === 'worker' && rest.length === 0) {
  void import('./worker');
} else if (command === '--help' || command === '-h' || command === 'help') {
  console.log(usage);
} else {
  console.error(command ? `unknown command: ${[command, ...rest].join(' ')}\n\n${usage}` : usage);
  process.exitCode = 2;
}
