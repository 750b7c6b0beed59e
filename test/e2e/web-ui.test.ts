// The operator's view: the dev server's Web UI in a real headless Chromium finds a live, encrypted
// session by its search attributes and shows its input decoded through the codec server.
// The screenshots shown in the README (docs/web-ui-*.png) are rewritten only when asked:
// `UPDATE_SCREENSHOTS=1 npx mocha test/e2e/web-ui.test.ts`; otherwise they go to a temporary directory.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser } from 'playwright-core';
import { CodecServer, EncryptionCodec, generateKey, uiCodecEndpoint } from '../../src/codec';
import { DevServer } from '../../src/runtime/dev-server';
import { freePort } from '../../src/runtime/free-port';
import { resolveTemporalCli } from '../../src/runtime/resolve-temporal-cli';
import { eventually, uniqueCustomer } from '../helpers/bridge-harness';

const screenshotDir =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(__dirname, '../../docs')
    : mkdtempSync(path.join(tmpdir(), 'web-ui-screenshots-'));
import { liveAgentFixture, openChat, type LiveAgentFixture } from '../helpers/live-agent-fixture';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Flags for a closed network: no background fetches, no sandbox as root.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('Temporal Web UI (headless Chromium)', function () {
  this.timeout(180_000);
  let server: DevServer | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let f: LiveAgentFixture | undefined;
  let browser: Browser | undefined;
  let codecServer: CodecServer | undefined;

  after(async () => {
    await browser?.close();
    await f?.close();
    await env?.teardown();
    await server?.stop();
    await codecServer?.close();
  });

  it('finds a live session by its search attributes and shows it', async () => {
    const cli = await resolveTemporalCli({ allowBuild: false });
    const keys = `ui-test:${generateKey()}`;
    const token = 'ui-test-codec-token-0123456789';
    const uiPort = await freePort();
    codecServer = await CodecServer.start({
      codec: new EncryptionCodec(keys),
      token,
      port: 0,
      corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
    });
    server = await DevServer.start({
      cliPath: cli.path,
      port: 0,
      uiPort,
      uiCodecEndpoint: uiCodecEndpoint(codecServer.url, token),
    });
    env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address });
    f = await liveAgentFixture(env, {}, { PAYLOAD_ENCRYPTION_KEYS: keys });
    const fx = f;
    const key = uniqueCustomer('ui');
    await fx.bridge.run(async () => {
      const { handle, vendorId } = await openChat(fx, key);
      fx.sim.accept(vendorId, { agentName: 'Ada' });
      await fx.bridge.sessions.send(key, { clientMessageId: 'ui-1', text: 'Where is my parcel?' });
      fx.sim.sendAgentMessage(vendorId, 'Let me check that for you.');
      await eventually(async () =>
        (await fx.bridge.sessions.state(key)).status === 'chatting' ? true : undefined,
      );
      // Visibility is eventually consistent: wait until the list query sees the attributes.
      const query = `ChatSessionStatus = 'chatting' AND ChatAgentName = 'Ada' AND ChatCustomerId = '${key.customerId}'`;
      await eventually(async () => {
        for await (const wf of env!.client.workflow.list({ query }))
          if (wf.workflowId === handle.workflowId) return true;
        return undefined;
      });

      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
      const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
      await page.goto(`${server!.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      const row = page.getByText(handle.workflowId).first();
      await row.waitFor({ timeout: 60_000 });
      assert.ok(await row.isVisible(), 'the session is listed by its search attributes');
      await page.screenshot({ path: path.join(screenshotDir, 'web-ui-sessions.png') });

      await page.goto(
        `${server!.uiUrl}/namespaces/default/workflows/${encodeURIComponent(handle.workflowId)}`,
      );
      // The input is encrypted in history; the UI shows it only because the codec server decoded it.
      await page.getByText(`Visitor ${key.customerId}`).first().waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(screenshotDir, 'web-ui-session.png') });
      fx.sim.endChat(vendorId);
      await handle.result();
    });
  });
});
