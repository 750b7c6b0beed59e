// The mapping from what the SDK throws to the client's five error classes, without a server.
import assert from 'node:assert/strict';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ChatEndedError,
  chatBridgeError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  SessionNotFoundError,
  VendorRejectedError,
} from '../../src/client/errors';
import { FailureType } from '../../src/shared/failure-types';

/** A handle whose describe() answers as a completed run (`exists`) or as an unknown workflow. */
const handle = (exists: boolean) =>
  ({
    workflowId: 'chat:app:c1',
    describe: async () => {
      if (!exists) throw new WorkflowNotFoundError('not found', 'chat:app:c1', undefined);
      return { status: { name: 'COMPLETED' } };
    },
  }) as unknown as WorkflowHandle;

const updateFailed = (type: string, message: string) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message }));

describe('chatBridgeError', () => {
  it('maps each workflow failure type to its class, keeping the SDK error as the cause', async () => {
    const cases: Array<[string, new (...args: never[]) => Error, string]> = [
      [FailureType.sessionEnded, ChatEndedError, 'ChatEnded'],
      [FailureType.invalidInput, InvalidInputError, 'InvalidInput'],
      [FailureType.idempotencyKeyReused, IdempotencyKeyReusedError, 'IdempotencyKeyReused'],
      [FailureType.requestRejected, VendorRejectedError, 'VendorRejected'],
    ];
    for (const [failureType, cls, type] of cases) {
      const sdk = updateFailed(failureType, 'why');
      const mapped = (await chatBridgeError(sdk, handle(true))) as Error & { type: string };
      assert.ok(mapped instanceof cls, failureType);
      assert.equal(mapped.type, type);
      assert.equal(mapped.cause, sdk);
    }
  });

  it('a workflow that is not found: ChatEnded if it ran and completed, SessionNotFound if it never existed', async () => {
    const sdk = new WorkflowNotFoundError('workflow execution already completed', 'chat:app:c1', undefined);
    assert.ok((await chatBridgeError(sdk, handle(true))) instanceof ChatEndedError);
    assert.ok((await chatBridgeError(sdk, handle(false))) instanceof SessionNotFoundError);
  });

  it('passes anything else through unchanged (an unreachable server, an unknown failure type)', async () => {
    const network = new Error('14 UNAVAILABLE');
    assert.equal(await chatBridgeError(network, handle(true)), network);
    const other = updateFailed('SomethingElse', 'x');
    assert.equal(await chatBridgeError(other, handle(true)), other);
  });

  it('InvalidInputError names the fields', () => {
    const err = new InvalidInputError('session input', [
      { path: ['webhookUrl'], message: 'must be https' },
      { path: ['tuning', 'transcriptTail'], message: 'too big' },
    ]);
    assert.deepEqual(err.fields, ['webhookUrl', 'tuning.transcriptTail']);
    assert.match(err.message, /webhookUrl: must be https; tuning.transcriptTail: too big/);
  });
});
