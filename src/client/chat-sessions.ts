// Typed helpers for backend teams: start or get a session by business key, send, typing, end,
// transcript, state, and watch events. Inputs are validated here with readable errors, and every
// refusal reaches the caller as one of the errors in ./errors.ts, whichever layer refused.
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
  fileRequestUpdate,
  sendFileUpdate,
  sendMessageUpdate,
  updateUserDataUpdate,
  stateQuery,
  transcriptQuery,
  waitForEventsUpdate,
} from '../shared/definitions';
import type {
  FileLimits,
  FileRequest,
  FileRequestResult,
  SendMessageResult,
  SessionStateView,
  StartSessionInput,
  TranscriptEntry,
} from '../shared/session-types';
import { defaultTaskQueue } from '../shared/task-queue';
import { webhookUrlProblem } from '../shared/webhook-url';
import { ChatEndedError, chatBridgeError, InvalidInputError } from './errors';
import {
  businessKeySchema,
  fileRequestSchema,
  parseOrThrow,
  sendFileSchema,
  sendMessageSchema,
  startSessionSchema,
  updateUserDataSchema,
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

  /**
   * Starts the session, or returns the running one for the same business key (starting twice is
   * harmless). `customerId` comes from the key; given in the input too, it must be the same.
   */
  async startOrGet(
    key: BusinessKey,
    input: Omit<StartSessionInput, 'customerId'> & { customerId?: string },
  ): Promise<WorkflowHandleWithFirstExecutionRunId<ChatSessionWorkflow>> {
    const workflowId = sessionWorkflowId(key);
    const valid = parseOrThrow(
      startSessionSchema,
      { ...input, customerId: input.customerId ?? key.customerId },
      'session input',
    ) as StartSessionInput;
    const urlProblem =
      valid.webhookUrl === undefined
        ? null
        : webhookUrlProblem(valid.webhookUrl, this.options.httpWebhookHosts);
    if (urlProblem) {
      throw new InvalidInputError('session input', [{ path: ['webhookUrl'], message: urlProblem }]);
    }
    if (valid.customerId !== key.customerId) {
      throw new InvalidInputError('session input', [
        { path: ['customerId'], message: 'must equal the business key customerId' },
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
    return this.call(key, (h) => h.executeUpdate(sendMessageUpdate, { args: [valid] }));
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
    const update = await this.call(key, (h) =>
      h.startUpdate(sendMessageUpdate, { args: [valid], waitForStage: WorkflowUpdateStage.ACCEPTED }),
    );
    const sent = this.call(key, () => update.result());
    // Handled here as well, so a caller that awaits `sent` only later (pipelining) never leaves an
    // unhandled rejection behind when the chat ends mid-burst; awaiting it still throws.
    sent.catch(() => undefined);
    return { sent };
  }

  /**
   * Sends a file by reference: the bridge fetches `url` (a pre-signed link, say) and uploads it to the
   * vendor, in order with messages; idempotent by clientMessageId. Vendors with file transfer only (GMS):
   * others refuse it (VendorRejectedError).
   */
  async sendFile(
    key: BusinessKey | string,
    file: { clientMessageId: string; url: string; fileName: string; contentType?: string },
  ): Promise<SendMessageResult> {
    const valid = parseOrThrow(sendFileSchema, file, 'file');
    return this.call(key, (h) => h.executeUpdate(sendFileUpdate, { args: [valid] }));
  }

  /** Merges data into what the vendor holds for the chat (GMS updateData), in order with messages. */
  async updateUserData(
    key: BusinessKey | string,
    userData: Record<string, string | number | boolean>,
  ): Promise<{ acceptedAt: string }> {
    const valid = parseOrThrow(updateUserDataSchema, { userData }, 'userData');
    return this.call(key, (h) => h.executeUpdate(updateUserDataUpdate, { args: [valid] }));
  }

  /** What the vendor allows for files in this chat (sizes, types, counts). */
  async fileLimits(key: BusinessKey | string): Promise<FileLimits> {
    const result = await this.fileRequest(key, { op: 'limits' });
    if (result.op !== 'limits') throw new Error(`fileRequest answered ${result.op} to limits`);
    return result.limits;
  }

  /**
   * Downloads a file the agent shared (a `fileShared` event) and PUTs its bytes to `putUrl` (a pre-signed
   * upload link, say): the bytes never pass through Temporal. Returns their count and type.
   */
  async downloadFile(
    key: BusinessKey | string,
    file: { fileId: string; putUrl: string },
  ): Promise<{ bytes: number; contentType: string | null }> {
    const result = await this.fileRequest(key, { op: 'download', ...file });
    if (result.op !== 'download') throw new Error(`fileRequest answered ${result.op} to download`);
    return { bytes: result.bytes, contentType: result.contentType };
  }

  async deleteFile(key: BusinessKey | string, fileId: string): Promise<void> {
    await this.fileRequest(key, { op: 'delete', fileId });
  }

  private async fileRequest(key: BusinessKey | string, request: FileRequest): Promise<FileRequestResult> {
    const valid = parseOrThrow(fileRequestSchema, request, 'fileRequest');
    return this.call(key, (h) => h.executeUpdate(fileRequestUpdate, { args: [valid] }));
  }

  async typing(key: BusinessKey | string, typing: boolean): Promise<void> {
    await this.call(key, (h) => h.signal(customerActivitySignal, { kind: typing ? 'typing' : 'notTyping' }));
  }

  /** Ends the chat; resolves once the vendor has it. Ending a chat that has already ended is a no-op. */
  async end(key: BusinessKey | string): Promise<void> {
    try {
      await this.call(key, (h) => h.executeUpdate(endChatUpdate));
    } catch (err) {
      if (!(err instanceof ChatEndedError)) throw err;
    }
  }

  async state(key: BusinessKey | string): Promise<SessionStateView> {
    return this.call(key, (h) => h.query(stateQuery));
  }

  async transcript(key: BusinessKey | string): Promise<TranscriptEntry[]> {
    return this.call(key, (h) => h.query(transcriptQuery));
  }

  /** Runs `fn` on the session's handle; a failure reaches the caller as one of ./errors.ts. */
  private call<T>(
    key: BusinessKey | string,
    fn: (handle: WorkflowHandle<ChatSessionWorkflow>) => Promise<T>,
  ): Promise<T> {
    return callSession(this.handle(key), fn);
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
        if (!(err instanceof WorkflowNotFoundError)) throw await chatBridgeError(err, handle);
        batch = await this.call(key, (h) => h.query(eventsAfterQuery, after));
        if (!batch.ended) throw await chatBridgeError(err, handle);
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

/** Runs `fn` on the session's handle; any refusal reaches the caller as one of the errors in ./errors.ts. */
export async function callSession<T>(
  handle: WorkflowHandle<ChatSessionWorkflow>,
  fn: (handle: WorkflowHandle<ChatSessionWorkflow>) => Promise<T>,
): Promise<T> {
  try {
    return await fn(handle);
  } catch (err) {
    throw await chatBridgeError(err, handle);
  }
}
