// What the session's handlers and lanes share while one run executes: the rules (SessionCore), the
// activities, and the few flags that coordinate the lanes. Actions that several lanes take (a handover,
// a vendor failure, ending the chat, letting go of the hub) live here once.
import { type CancellationScope, ParentClosePolicy, condition, log, startChild } from '@temporalio/workflow';
import { chatDeliveriesWorkflowType } from '../shared/definitions';
import { FailureType } from '../shared/failure-types';
import type {
  ChatDeliveriesInput,
  FileRequest,
  FileRequestResult,
  SessionResult,
} from '../shared/session-types';
import { describeFailure } from './describe-failure';
import { vendorFailureOutcome } from './session-decisions';
import type { sessionActivities } from './session-activities';
import type { SessionCore } from './session-core';
import type { SearchAttributeSync } from './search-attribute-sync';
import { typedFailure } from './typed-error';

export class SessionRuntime {
  /** Set at the moment of continue-as-new: waitForEvents callers return, to ask the next run again. */
  releasePullers = false;
  /** Set once the connection and delivery lanes are to stop for continue-as-new. */
  stopping = false;
  /** sendMessage and endChat callers waiting on the vendor: continue-as-new waits for them. */
  waitingCallers = 0;
  attachScope: CancellationScope | undefined;
  deliveryScope: CancellationScope | undefined;

  constructor(
    readonly core: SessionCore,
    readonly acts: ReturnType<typeof sessionActivities>,
    readonly searchAttributes: SearchAttributeSync,
    readonly workflowId: string,
    readonly cancel: { requested: boolean },
  ) {}

  get provider(): string {
    return this.core.state.provider;
  }

  now(): string {
    return new Date().toISOString();
  }

  /**
   * The one path to a handover (the `handover` signal). The hub has stopped receiving with the failed
   * credential; an in-flight send is left to finish: with the old credential it was either applied
   * (accepted) or refused (resent once after the reconnect).
   */
  startHandover(generation: number, learnedCredentials?: Record<string, unknown>): void {
    if (this.core.requestHandover(generation, learnedCredentials)) this.searchAttributes.sync();
  }

  /**
   * A file request with the session's credentials, once it has them and is not handing over. A failed
   * credential starts a handover and the request is tried again with the new one.
   */
  async fileRequest(request: FileRequest): Promise<FileRequestResult> {
    const core = this.core;
    for (;;) {
      await condition(() => core.ended || (core.hasVendorSession && !core.reconnecting));
      if (core.ended) throw typedFailure(FailureType.sessionEnded, 'the chat has ended');
      const { credentials, generation } = core.state;
      try {
        const outcome = await this.acts.file.fileRequest({
          provider: this.provider,
          credentials: credentials!,
          request,
        });
        // A reply on the way named new credentials (a GMS alias change): a handover from them.
        if (outcome.credentials) this.startHandover(generation, outcome.credentials);
        return outcome.result;
      } catch (err) {
        const failure = describeFailure(err);
        if (failure.type === FailureType.handoverRequired) {
          this.startHandover(generation);
          continue;
        }
        const type =
          failure.type === FailureType.sessionGone ? FailureType.sessionEnded : FailureType.requestRejected;
        throw typedFailure(type, failure.message);
      }
    }
  }

  /** A vendor failure from the send or reconnect path: decide what it means for the session. */
  onVendorFailure(err: unknown, generation: number): void {
    const failure = describeFailure(err);
    const outcome = vendorFailureOutcome(failure.type);
    if (outcome.kind === 'handover') return this.startHandover(generation);
    if (outcome.kind === 'end') return this.core.endFromVendor(outcome.reason, this.now(), failure.message);
    log.error('session cannot continue', { type: failure.type, message: failure.message });
    this.core.fail(failure.type, failure.message, this.now());
  }

  /**
   * Queues the ChatEnd, or joins the one already queued (concurrent callers share it and its outcome),
   * and waits until the vendor answered or the chat ended. Returns the vendor's refusal, if any.
   */
  async endTheChat(): Promise<string | undefined> {
    const core = this.core;
    if (core.ended) return undefined;
    const queued = core.requestEnd(this.now());
    if (queued.kind === 'refused') return undefined;
    await condition(() => core.outcomeOf(queued.id) !== undefined || core.ended);
    const outcome = core.outcomeOf(queued.id);
    return !core.ended && outcome?.kind === 'rejected' ? outcome.reason : undefined;
  }

  /** Lets go of the hub's connection and waits until its requests ended (best effort: it may be gone). */
  async releaseConnection(): Promise<void> {
    const held = this.core.releaseConnection();
    if (!held) return;
    try {
      await this.acts
        .onHub(held.hubTaskQueue)
        .detachConnection({ sessionWorkflowId: this.workflowId, epoch: held.epoch });
    } catch (err) {
      log.info('could not detach from the hub; its connection ends with the vendor session', {
        error: describeFailure(err).message,
      });
    }
  }

  /**
   * The chat has ended with events the webhook has not taken (or dead letters): they move to a
   * `chatDeliveries` workflow that outlives this one, so the customer's next chat can start at once.
   */
  async handOffDeliveries(): Promise<SessionResult['undelivered']> {
    const s = this.core.state;
    const handed = this.core.handOffDeliveries();
    if (!handed || !s.webhookUrl) return undefined;
    const workflowId = `${this.workflowId}/deliveries/${s.sessionUid}`;
    const input: ChatDeliveriesInput = {
      webhookUrl: s.webhookUrl,
      sessionId: this.workflowId,
      ...this.core.deliveryNames,
      events: handed.events,
      deadLetters: handed.deadLetters,
      deliveredThrough: s.deliveredThrough,
      tuning: {
        deliveryMaxBackoffMs: s.tuning.deliveryMaxBackoffMs,
        deliveryHorizonMs: this.core.deliveryHorizonMs,
        searchAttributes: s.tuning.searchAttributes,
      },
    };
    await startChild(chatDeliveriesWorkflowType, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    log.info('the chat ended with undelivered events: handed to a deliveries workflow', {
      workflowId,
      pending: handed.events.length,
      deadLetters: handed.deadLetters.deadLetters.length,
    });
    return { workflowId, pending: handed.events.length, deadLetters: handed.deadLetters.deadLetters.length };
  }

  /** Nothing in flight that the next run could not take over: no caller waiting on the vendor, no handover. */
  get quiet(): boolean {
    const core = this.core;
    return (
      this.waitingCallers === 0 &&
      core.outboxEmpty &&
      !core.reconnecting &&
      !core.awaitingTranscript &&
      this.attachScope === undefined
    );
  }
}
