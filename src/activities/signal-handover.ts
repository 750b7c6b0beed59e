// The activity that saw a 503 tells its session workflow, through the activity context's client.
// The workflow also treats the activity's own failure as a handover trigger, so a lost signal is harmless.
import { Context } from '@temporalio/activity';
import { handoverSignal } from '../shared/definitions';

export async function signalHandover(generation: number, reason: string): Promise<void> {
  const ctx = Context.current();
  const workflowId = ctx.info.workflowExecution?.workflowId;
  if (!workflowId) return;
  try {
    await ctx.client.workflow.getHandle(workflowId).signal(handoverSignal, {
      generation,
      reason,
    });
  } catch (err) {
    ctx.log.warn('could not signal the handover; the failure itself will trigger it', { error: String(err) });
  }
}
