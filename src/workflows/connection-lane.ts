// Connection lane: agent → bridge. A worker's connection hub holds the vendor connection and signals
// each batch (`vendorEvents`); this lane only attaches the session to a hub whenever none holds it.
import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { describeFailure } from './describe-failure';
import type { SessionRuntime } from './session-runtime';

export async function connectionLane(rt: SessionRuntime): Promise<void> {
  const core = rt.core;
  for (;;) {
    await condition(() => core.needsAttach || core.ended || rt.stopping);
    if (core.ended || rt.stopping) return;
    const input = core.attachInput(rt.workflowId);
    // The hub that held the connection last replaces it in place; any hub may take a new one.
    const lastHub = core.state.hub;
    const scope = new CancellationScope();
    rt.attachScope = scope;
    try {
      const result = await scope.run(() =>
        lastHub
          ? rt.acts.onHub(lastHub.hubTaskQueue).attachConnection(input)
          : rt.acts.attach.attachConnection(input),
      );
      core.attached(input.epoch, result);
    } catch (err) {
      core.attachFailed(input.epoch);
      if (isCancellation(err)) continue; // that hub died meanwhile: attach anywhere
      if (lastHub) {
        core.forgetHub(); // gone or shutting down: any live worker's hub takes the session
        continue;
      }
      const failure = describeFailure(err);
      core.fail(failure.type, failure.message, rt.now());
      return;
    } finally {
      rt.attachScope = undefined;
    }
  }
}
