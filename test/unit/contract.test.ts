// docs/contract.json is the contract other languages build on: it must be what the code generates, and
// the contract's schemas must describe exactly the TypeScript types the workflow uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { buildContract } from '../../src/contract/contract';
import type * as wire from '../../src/contract/wire-schemas';
import type { WebhookBody } from '../../src/shared/webhook-body';
import type {
  FileRequest,
  FileRequestResult,
  SendFileInput,
  SendMessageResult,
  SessionResult,
  SessionStateView,
  TranscriptEntry,
  SetAgentStateInput,
  UpdateUserDataInput,
} from '../../src/shared/session-types';

/** Compile-time: `A` and `B` are the same type (each assignable to the other). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(_: T) => undefined;
agree<Same<z.infer<typeof wire.sendMessageResultSchema>, SendMessageResult>>(true);
agree<Same<z.infer<typeof wire.sendFileSchema>, SendFileInput>>(true);
agree<Same<z.infer<typeof wire.updateUserDataSchema>, UpdateUserDataInput>>(true);
agree<Same<z.infer<typeof wire.setAgentStateSchema>, SetAgentStateInput>>(true);
agree<Same<z.infer<typeof wire.fileRequestSchema>, FileRequest>>(true);
agree<Same<z.infer<typeof wire.fileRequestResultSchema>, FileRequestResult>>(true);
agree<Same<z.infer<typeof wire.sessionStateViewSchema>, SessionStateView>>(true);
agree<Same<z.infer<typeof wire.transcriptEntrySchema>, TranscriptEntry>>(true);
agree<Same<z.infer<typeof wire.sessionResultSchema>, SessionResult>>(true);
agree<Same<z.infer<typeof wire.webhookBodySchema>, WebhookBody>>(true);

describe('the language-neutral contract', () => {
  it('docs/contract.json is current (run `npm run contract` after changing src/contract)', () => {
    const committed = JSON.parse(
      readFileSync(path.resolve(__dirname, '../../docs/contract.json'), 'utf8'),
    ) as unknown;
    assert.deepEqual(committed, JSON.parse(JSON.stringify(buildContract())));
  });

  it('names the messages the workflow registers', () => {
    const contract = buildContract();
    assert.equal(contract.workflow.type, 'chatSession');
    assert.deepEqual(Object.keys(contract.updates), [
      'sendMessage',
      'sendFile',
      'updateUserData',
      'setAgentState',
      'fileRequest',
      'endChat',
    ]);
    assert.deepEqual(Object.keys(contract.signals), ['customerActivity']);
    assert.deepEqual(Object.keys(contract.queries), ['state', 'transcript']);
  });
});
