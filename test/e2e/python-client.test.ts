// The language-neutral contract, proven from another SDK: a Python program using the temporalio package
// (installed into a virtualenv in the runtime cache) starts a session, sends a message and reads the
// state on the dev server, against this repository's worker and the Live Agent simulator.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir } from '../../src/runtime/cache-dir';
import { eventually, uniqueCustomer } from '../helpers/bridge-harness';
import { liveAgentFixture, type LiveAgentFixture } from '../helpers/live-agent-fixture';
import { useDevServer } from '../helpers/suite-hooks';

const run = promisify(execFile);
/** The Python SDK version the contract is checked against. */
const temporalioVersion = '1.35.0';

async function pythonWithTemporalio(): Promise<string> {
  const venv = path.join(cacheDir(), `python-temporalio-${temporalioVersion}`);
  const python = path.join(venv, 'bin', 'python');
  if (!existsSync(path.join(venv, '.installed'))) {
    await run('python3', ['-m', 'venv', venv]);
    await run(python, ['-m', 'pip', 'install', '--quiet', `temporalio==${temporalioVersion}`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    await run(python, ['-c', `open(${JSON.stringify(path.join(venv, '.installed'))}, 'w').close()`]);
  }
  return python;
}

describe('a Python backend with the temporalio package (dev server)', function () {
  this.timeout(300_000);
  const env = useDevServer();
  let f: LiveAgentFixture | undefined;
  afterEach(async () => f?.close());

  it('starts a session, sends a message and reads the state by the documented names and JSON shapes', async () => {
    const python = await pythonWithTemporalio();
    f = await liveAgentFixture(env());
    const fx = f;
    const key = uniqueCustomer('py');
    await fx.bridge.run(async () => {
      const accepting = eventually(() => {
        const session = fx.sim.sessions().find((s) => s.initialized);
        if (session) fx.sim.accept(session.id, { agentName: 'Ada' });
        return session?.id;
      });
      const client = run(python, [path.join(__dirname, '../fixtures/python-client/chat_client.py')], {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: env().address,
          TASK_QUEUE: fx.bridge.config.CHAT_BRIDGE_TASK_QUEUE,
          WEBHOOK_URL: fx.webhook.url,
          CUSTOMER_ID: key.customerId,
        },
        timeout: 120_000,
      });
      const vendorId = await accepting;
      const { stdout } = await client;
      const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        sent: { clientMessageId: string; vendorSequence: number | null; duplicate: boolean };
        state: { status: string; customerId: string; vendorSessionId: string; agent: { name: string } };
      };
      assert.equal(out.sent.clientMessageId, 'py-1');
      assert.equal(out.sent.duplicate, false);
      assert.equal(out.state.status, 'chatting');
      assert.equal(out.state.customerId, key.customerId);
      assert.equal(out.state.vendorSessionId, vendorId);
      assert.equal(out.state.agent.name, 'Ada');
      assert.deepEqual(
        fx.sim.session(vendorId).chasitorMessages.map((m) => m.text),
        ['hello from python'],
      );
      await eventually(() => (fx.sim.session(vendorId).endReason === 'client' ? true : undefined));
    });
  });
});
