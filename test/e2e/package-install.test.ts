// The published package as a backend team gets it: `npm pack`, installed into a fresh project, a small
// TypeScript program type-checked against its declarations and run against the dev server and the
// simulator (its own worker in-process, a chat started, a message sent, a verified webhook, the end).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { localLiveAgentIds, localWorkerEnv } from '../../src/runtime/local-worker-env';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent';
import { devServerEnv } from '../helpers/temporal-envs';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const versionOf = (name: string) =>
  (
    JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

describe('the packed package, installed into a fresh project (dev server)', function () {
  this.timeout(600_000);
  let work: string;
  let sim: LiveAgentSimulator | undefined;
  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'chat-bridge-package-'));
  });
  after(async () => {
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('packs compiled JavaScript with declarations, and a backend program type-checks and runs a chat with it', async () => {
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const files = info!.files.map((f) => f.path);
    for (const entry of [
      'dist/client/index.js',
      'dist/client/index.d.ts',
      'dist/bridge-worker.js',
      'dist/cli.js',
      'docs/contract.json',
      'docs/contract.md',
    ])
      assert.ok(files.includes(entry), entry);
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources or tests');

    const app = path.join(work, 'app');
    cpSync(path.join(__dirname, '../fixtures/package-app'), app, { recursive: true });
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        path.join(work, info!.filename),
        `@temporalio/client@${versionOf('@temporalio/client')}`,
        `typescript@${versionOf('typescript')}`,
        `@types/node@${versionOf('@types/node')}`,
      ],
      { cwd: app, maxBuffer: 16 * 1024 * 1024 },
    );
    // Type-checks against the package's declarations (nodenext: the `exports` map), then compiles.
    await run(path.join(app, 'node_modules/.bin/tsc'), ['-p', app], { cwd: app });
    // The worker as a command: `npx temporal-chat-bridge worker`, refusing a bad environment by name.
    const bin = path.join(app, 'node_modules/.bin/temporal-chat-bridge');
    assert.match((await run(bin, ['--help'])).stdout, /temporal-chat-bridge worker/);
    const refused = await run(bin, ['worker'], { env: { PATH: process.env.PATH ?? '' } }).then(
      () => assert.fail('a worker without LIVE_AGENT_URL must not start'),
      (e: { code?: number; stderr?: string }) => e,
    );
    assert.equal(refused.code, 2);
    assert.match(refused.stderr ?? '', /LIVE_AGENT_URL/);

    const env = await devServerEnv();
    sim = await LiveAgentSimulator.start({
      ...localLiveAgentIds,
      autoAccept: { agentName: 'Ada', delayMs: 0 },
    });
    const agent = sim;
    agent.on('chasitorMessage', (id, text) => agent.sendAgentMessage(id, `echo: ${text}`));
    const { stdout } = await run(process.execPath, [path.join(app, 'out/app.js')], {
      cwd: app,
      env: {
        ...process.env,
        ...localWorkerEnv({
          temporalAddress: env.address,
          liveAgentUrl: sim.url,
          taskQueue: `package-${Date.now()}`,
          webhookSecret: 'package-test-secret-0123456789',
        }),
        METRICS_BIND_ADDRESS: 'off',
      },
      timeout: 180_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      sent: string;
      status: string;
      agent: string | null;
      events: string[];
    };
    assert.equal(result.sent, 'm1');
    assert.equal(result.status, 'chatting');
    assert.equal(result.agent, 'Ada');
    assert.ok(result.events.includes('agentConnected'), result.events.join());
    assert.ok(result.events.includes('messageReceived'), result.events.join());
    assert.deepEqual(
      sim.session(sim.sessionIds()[0]!).chasitorMessages.map((m) => m.text),
      ['hello from the package'],
    );
  });
});
