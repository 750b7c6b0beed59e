// One chat followed from the channel to the Temporal UI to the vendor's console: the vendor's session id
// in state(), in the ChatVendorSessionId search attribute and in every webhook body.
import assert from 'node:assert/strict';
import { eventually, uniqueCustomer } from '../helpers/bridge-harness';
import { liveAgentFixture, openAcceptedChat, type LiveAgentFixture } from '../helpers/live-agent-fixture';
import { useDevServer } from '../helpers/suite-hooks';

describe('correlation with the vendor (dev server)', function () {
  this.timeout(90_000);
  const env = useDevServer();
  let f: LiveAgentFixture;
  afterEach(async () => {
    await f?.close();
  });

  it("the vendor's session id is in state(), in the ChatVendorSessionId search attribute and in every webhook body", async () => {
    f = await liveAgentFixture(env());
    const key = uniqueCustomer('correlated');
    await f.bridge.run(async () => {
      const { handle, vendorId } = await openAcceptedChat(f, key);
      assert.equal((await f.bridge.sessions.state(key)).vendorSessionId, vendorId);
      f.sim.sendAgentMessage(vendorId, 'hello');
      await f.webhook.waitFor((w) => w.uniqueEvents().some((e) => e.event.kind === 'messageReceived'));
      assert.ok(f.webhook.deliveries.length > 0);
      for (const d of f.webhook.deliveries) assert.equal(d.body.vendorSessionId, vendorId);
      const found = await eventually(async () => {
        const ids: string[] = [];
        for await (const wf of f.bridge.client.workflow.list({
          query: `ChatVendorSessionId = '${vendorId}'`,
        })) {
          ids.push(wf.workflowId);
        }
        return ids.length > 0 ? ids : undefined;
      });
      assert.deepEqual(found, [handle.workflowId]);
      await f.bridge.sessions.end(key);
    });
  });
});
