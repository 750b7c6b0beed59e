// The activity that saw a credential stop working tells its session workflow, through the activity
// context's client: the `handover` signal is the one path to a handover. The workflow only parks the
// failed item until the handover has run.
import { Context } from '@temporalio/activity';
import { handoverSignal } from '../shared/definitions';

export async function signalHandover(generation: number, reason: string): Promise<void> {
  const ctx = Context.current();
  const workflowId = ctx.info.workflowExecution?.workflowId;
  if (!workflowId) return;
  try {
    await ctx.client.workflow.getHandle(workflowId).signal(handoverSignal, { generation, reason });
  } catch (err) {
    // Without the signal the send is retried later with the same stamp and meets the same failure.
    ctx.log.warn('could not signal the handover', { error: String(err) });
  }
}
