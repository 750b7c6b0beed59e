// The errors a ChatSessions call fails with: five classes with a stable `type`, the same whichever layer
// refused (the client's own checks, the workflow's validators and handlers, or the server once the
// workflow has completed). Anything else is an infrastructure error from the SDK (the server is
// unreachable, a call timed out) and is passed through as it is.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../shared/failure-types';

export const ChatBridgeErrorType = {
  chatEnded: 'ChatEnded',
  invalidInput: 'InvalidInput',
  idempotencyKeyReused: 'IdempotencyKeyReused',
  sessionNotFound: 'SessionNotFound',
  vendorRejected: 'VendorRejected',
} as const;
export type ChatBridgeErrorTypeName = (typeof ChatBridgeErrorType)[keyof typeof ChatBridgeErrorType];

export abstract class ChatBridgeError extends Error {
  abstract readonly type: ChatBridgeErrorTypeName;
}

/** The chat has ended: before the call, while it waited (a queued message), or the workflow completed. */
export class ChatEndedError extends ChatBridgeError {
  override readonly name = 'ChatEndedError';
  readonly type = ChatBridgeErrorType.chatEnded;
  constructor(
    readonly sessionId: string,
    message = 'the chat has ended',
    options?: ErrorOptions,
  ) {
    super(`${sessionId}: ${message}`, options);
  }
}

/** Input that fails validation; `fields` names the offending fields (`webhookUrl`, `tuning.transcriptTail`). */
export class InvalidInputError extends ChatBridgeError {
  override readonly name = 'InvalidInputError';
  readonly type = ChatBridgeErrorType.invalidInput;
  readonly fields: string[];
  constructor(
    readonly what: string,
    readonly issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
    options?: ErrorOptions,
  ) {
    super(
      `invalid ${what}: ${issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      options,
    );
    this.fields = issues.map((i) => i.path.map(String).join('.')).filter((f) => f !== '');
  }
}

/** A clientMessageId already used for a message with different content: nothing was sent. */
export class IdempotencyKeyReusedError extends ChatBridgeError {
  override readonly name = 'IdempotencyKeyReusedError';
  readonly type = ChatBridgeErrorType.idempotencyKeyReused;
}

/** No session runs or ran under this business key. */
export class SessionNotFoundError extends ChatBridgeError {
  override readonly name = 'SessionNotFoundError';
  readonly type = ChatBridgeErrorType.sessionNotFound;
  constructor(
    readonly sessionId: string,
    options?: ErrorOptions,
  ) {
    super(`no chat session ${sessionId}`, options);
  }
}

/** The vendor refused the request for good (Live Agent 400, say); `reason` says what it answered. */
export class VendorRejectedError extends ChatBridgeError {
  override readonly name = 'VendorRejectedError';
  readonly type = ChatBridgeErrorType.vendorRejected;
  constructor(
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`the vendor rejected the request: ${reason}`, options);
  }
}

/** Maps what the SDK threw for a call on `handle` to one of the errors above, or returns it unchanged. */
export async function chatBridgeError(err: unknown, handle: WorkflowHandle): Promise<unknown> {
  if (err instanceof ChatBridgeError) return err;
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const { type, message } = err.cause;
    const options = { cause: err };
    switch (type) {
      case FailureType.sessionEnded:
        return new ChatEndedError(handle.workflowId, message, options);
      case FailureType.invalidInput:
        return new InvalidInputError('request', [{ path: [], message }], options);
      case FailureType.idempotencyKeyReused:
        return new IdempotencyKeyReusedError(message, options);
      case FailureType.requestRejected:
        return new VendorRejectedError(message, options);
    }
    return err;
  }
  if (err instanceof WorkflowNotFoundError) {
    // The same answer for "completed" and "never existed": tell them apart by asking for the run.
    const exists = await handle.describe().then(
      () => true,
      (e: unknown) => (e instanceof WorkflowNotFoundError ? false : undefined),
    );
    if (exists === true) return new ChatEndedError(handle.workflowId, 'the chat has ended', { cause: err });
    if (exists === false) return new SessionNotFoundError(handle.workflowId, { cause: err });
  }
  return err;
}
