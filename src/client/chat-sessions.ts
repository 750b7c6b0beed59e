// Typed helpers for backend teams: start or get a session by business key, send, typing, end,
// transcript, state, and watch events. Inputs are validated here with readable errors.
import {
  WorkflowIdConflictPolicy,
  WorkflowNotFoundError,
  WorkflowUpdateStage,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { SessionEvent } from '../shared/events';
import {
  chatSessionWorkflowType,
  type ChatSessionWorkflow,
  customerActivitySignal,
  endChatUpdate,
  eventsAfterQuery,
  sendMessageUpdate,
  stateQuery,
  transcriptQuery,
  waitForEventsUpdate,
} from '../shared/definitions';
import type {
  SendMessageResult,
  SessionStateView,
  StartSessionInput,
  TranscriptEntry,
} from '../shared/session-types';
import { defaultTaskQueue } from '../shared/task-queue';
import { webhookUrlProblem } from '../shared/webhook-url';
import {
  businessKeySchema,
  InvalidInputError,
  parseOrThrow,
  sendMessageSchema,
  startSessionSchema,
} from './input-schemas';

export interface BusinessKey {
  /** The customer's channel, e.g. `wechat`, `whatsapp`, `app`. */
  channel: string;
  customerId: string;
}

export function sessionWorkflowId(key: BusinessKey): string {
  const { channel, customerId } = parseOrThrow(businessKeySchema, key, 'business key');
  return `chat:${channel}:${customerId}`;
}

export class ChatSessions {
  constructor(
    private readonly client: Client,
    private readonly options: {
      taskQueue?: string;
      /** Hosts a webhook may reach over plain http besides loopback (an internal network), lower case. */
      httpWebhookHosts?: readonly string[];
    } = {},
  ) {}

  /** Starts the session, or returns the running one for the same business key (starting twice is harmless). */
  async startOrGet(
    key: BusinessKey,
    input: StartSessionInput,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<ChatSessionWorkflow>> {
    const workflowId = sessionWorkflowId(key);
    const valid = parseOrThrow(startSessionSchema, input, 'session input') as StartSessionInput;
    const urlProblem =
      valid.webhookUrl === undefined
        ? null
        : webhookUrlProblem(valid.webhookUrl, this.options.httpWebhookHosts);
    if (urlProblem) {
      throw new InvalidInputError('session input', [
        { code: 'custom', path: ['webhookUrl'], message: urlProblem, input: valid.webhookUrl },
      ]);
    }
    if (valid.customerId !== key.customerId) {
      throw new InvalidInputError('session input', [
        {
          code: 'custom',
          path: ['customerId'],
          message: 'must equal the business key customerId',
          input: valid.customerId,
        },
      ]);
    }
    return this.client.workflow.start<ChatSessionWorkflow>(chatSessionWorkflowType, {
      workflowId,
      taskQueue: this.options.taskQueue ?? defaultTaskQueue,
      args: [valid],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      staticSummary: `${valid.provider} chat for ${key.channel} customer ${valid.customerId}`,
    });
  }

  handle(key: BusinessKey | string): WorkflowHandle<ChatSessionWorkflow> {
    return this.client.workflow.getHandle(typeof key === 'string' ? key : sessionWorkflowId(key));
  }

  /** Sends a customer message; resolves when the vendor accepted it. Idempotent by clientMessageId. */
  async send(
    key: BusinessKey | string,
    message: { clientMessageId: string; text: string },
  ): Promise<SendMessageResult> {
    const valid = parseOrThrow(sendMessageSchema, message, 'message');
    return this.handle(key).executeUpdate(sendMessageUpdate, { args: [valid] });
  }

  /**
   * Queues a customer message and returns as soon as the session has ordered it, before the vendor has it.
   * Messages reach the vendor in the order the session accepted them, so a channel that receives
   * messages quickly can `await queue()` each one in turn and await the returned `sent` promises later.
   */
  async queue(
    key: BusinessKey | string,
    message: { clientMessageId: string; text: string },
  ): Promise<{ sent: Promise<SendMessageResult> }> {
    const valid = parseOrThrow(sendMessageSchema, message, 'message');
    const update = await this.handle(key).startUpdate(sendMessageUpdate, {
      args: [valid],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    return { sent: update.result() };
  }

  async typing(key: BusinessKey | string, typing: boolean): Promise<void> {
    await this.handle(key).signal(customerActivitySignal, { kind: typing ? 'typing' : 'notTyping' });
  }

  async end(key: BusinessKey | string): Promise<void> {
    await this.handle(key).executeUpdate(endChatUpdate);
  }

  async state(key: BusinessKey | string): Promise<SessionStateView> {
    return this.handle(key).query(stateQuery);
  }

  async transcript(key: BusinessKey | string): Promise<TranscriptEntry[]> {
    return this.handle(key).query(transcriptQuery);
  }

  /** Yields every agent event after `afterIndex`, in order, until the session ends or `signal` aborts. */
  async *watchEvents(
    key: BusinessKey | string,
    options: { afterIndex?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<SessionEvent> {
    const handle = this.handle(key);
    let after = options.afterIndex ?? -1;
    while (!options.signal?.aborted) {
      let batch;
      try {
        batch = await handle.executeUpdate(waitForEventsUpdate, {
          args: [{ afterIndex: after, timeoutMs: 30_000 }],
        });
      } catch (err) {
        // The chat ended between two asks and the workflow completed: read what is left by query.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        batch = await handle.query(eventsAfterQuery, after);
        if (!batch.ended) throw err;
      }
      if (batch.truncated) {
        // The session keeps a bounded window (tuning.recentEventsKept): say so rather than skip events.
        throw new EventsTruncatedError(after, batch.events[0]?.index);
      }
      for (const event of batch.events) {
        after = event.index;
        yield event;
      }
      // Nothing follows chatEnded; asking again could reach a workflow that has already completed.
      if (batch.ended) return;
      // An empty answer before the timeout: the run is handing over to the next one. Ask it shortly.
      if (batch.events.length === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** `watchEvents` fell behind the session's window of recent events: some events can no longer be read. */
export class EventsTruncatedError extends Error {
  override readonly name = 'EventsTruncatedError';
  constructor(
    readonly afterIndex: number,
    readonly oldestAvailable: number | undefined,
  ) {
    super(
      `events after index ${afterIndex} are no longer kept by the session (oldest kept: ${oldestAvailable ?? 'none'}); ` +
        'read the transcript query or receive the webhook instead',
    );
  }
}
