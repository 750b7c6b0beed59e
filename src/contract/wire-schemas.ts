// The session's messages as zod schemas, for the language-neutral contract (docs/contract.json): what a
// backend in any language sends and reads. The inputs are the client's own validators; the outputs
// mirror the TypeScript types in src/shared, and test/unit/contract.test.ts checks that they agree.
import { z } from 'zod';
import {
  fileRequestSchema,
  sendFileSchema,
  sendMessageSchema,
  startSessionSchema,
  updateUserDataSchema,
} from '../client/input-schemas';
import { limits } from '../shared/input-limits';

export { fileRequestSchema, sendFileSchema, sendMessageSchema, startSessionSchema, updateUserDataSchema };

export const customerActivitySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('typing') }).strict(),
  z.object({ kind: z.literal('notTyping') }).strict(),
  z
    .object({
      kind: z.literal('customEvent'),
      type: z.string().min(1).max(limits.customEventTypeMax),
      data: z.string().max(limits.customEventDataMax),
    })
    .strict(),
]);

export const sendMessageResultSchema = z.object({
  clientMessageId: z.string(),
  vendorSequence: z.number().int().nullable(),
  acceptedAt: z.iso.datetime(),
  duplicate: z.boolean(),
});

export const endChatResultSchema = z.object({ endedAt: z.iso.datetime() });

export const updateUserDataResultSchema = z.object({ acceptedAt: z.iso.datetime() });

export const setAgentStateSchema = z.object({ state: z.enum(['ready', 'notReady', 'rest']) }).strict();
export const setAgentStateResultSchema = z.object({ acceptedAt: z.iso.datetime() });

const agentStateSchema = z.enum(['ready', 'notReady', 'rest', 'talking', 'ringing', 'wrapUp', 'signedOut']);

export const presenceViewSchema = z.object({
  agentId: z.string(),
  skills: z.array(z.string()),
  mode: z.enum(['push', 'poll']),
  state: agentStateSchema.nullable(),
  signIns: z.number().int(),
  signOuts: z.number().int(),
  lastEventType: z.string().nullable(),
  lastSignOutReason: z.string().nullable(),
});

const count = z.number().nullable();
export const fileLimitsSchema = z.object({
  maxFileSize: count,
  maxTotalSize: count,
  maxFiles: count,
  usedFiles: count,
  usedTotalSize: count,
  fileTypes: z.array(z.string()).nullable(),
  needAgent: z.boolean().nullable(),
  downloadAttempts: count,
  usedDownloadAttempts: count,
  deleteAllowed: z.boolean().nullable(),
});

export const fileRequestResultSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('limits'), limits: fileLimitsSchema }),
  z.object({ op: z.literal('download'), bytes: z.number().int(), contentType: z.string().nullable() }),
  z.object({ op: z.literal('delete') }),
]);

const chatEndReasonSchema = z
  .string()
  .describe(
    "agent | client | requestFailed | vendorSessionExpired | vendorConflict | bridgeError | a vendor's own",
  );

export const bridgeEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('messageReceived'), text: z.string(), agentName: z.string().optional() }),
  z.object({
    kind: z.literal('queueUpdate'),
    position: z.number().int(),
    estimatedWaitSeconds: z.number().optional(),
  }),
  z.object({ kind: z.literal('agentConnected'), agentName: z.string(), agentId: z.string().optional() }),
  z.object({ kind: z.literal('agentTyping') }),
  z.object({ kind: z.literal('agentNotTyping') }),
  z.object({ kind: z.literal('agentDisconnected') }),
  z.object({
    kind: z.literal('transferred'),
    agentName: z.string().optional(),
    agentId: z.string().optional(),
    toQueue: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('customEvent'), type: z.string(), data: z.string() }),
  z.object({
    kind: z.literal('fileTransferRequested'),
    status: z.string(),
    uploadUrl: z.string().optional(),
    fileToken: z.string().optional(),
  }),
  z.object({
    kind: z.literal('fileShared'),
    fileId: z.string(),
    fileName: z.string(),
    fileSize: z.number().optional(),
    contentType: z.string().optional(),
    agentName: z.string().optional(),
  }),
  z.object({ kind: z.literal('chatEnded'), reason: chatEndReasonSchema, detail: z.string().optional() }),
  z.object({
    kind: z.literal('reconnected'),
    transcriptEntries: z.number().int().optional(),
    customerMessages: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal('agentSignedIn'),
    agentId: z.string(),
    skills: z.array(z.string()),
    mode: z.enum(['push', 'poll']),
    forced: z.boolean(),
    healed: z.boolean(),
  }),
  z.object({ kind: z.literal('agentSignedOut'), agentId: z.string(), reason: z.string() }),
  z.object({
    kind: z.literal('agentEvent'),
    eventType: z.string(),
    state: agentStateSchema.optional(),
    content: z.unknown().optional(),
    genTime: z.number().optional(),
  }),
  z.object({ kind: z.literal('serverWentOffline') }),
  z.object({ kind: z.literal('serverBackOnline') }),
  z.object({ kind: z.literal('unknown'), vendorType: z.string(), raw: z.unknown() }),
]);

export const webhookBodySchema = z.object({
  sessionId: z.string().describe('the workflow id, chat:<channel>:<customerId>'),
  customerId: z.string(),
  vendorSessionId: z.string().optional(),
  event: z.object({
    id: z.string().describe('the idempotency key: never names two events'),
    index: z.number().int().min(0),
    event: bridgeEventSchema,
  }),
});

export const sessionStateViewSchema = z.object({
  provider: z.string(),
  customerId: z.string(),
  vendorSessionId: z.string().nullable(),
  status: z.enum(['starting', 'queued', 'chatting', 'reconnecting', 'ending', 'ended']),
  agent: z.object({ name: z.string(), id: z.string().optional() }).nullable(),
  queuePosition: z.number().int().nullable(),
  handovers: z.number().int(),
  lastHandoverAt: z.iso.datetime().nullable(),
  outboxSize: z.number().int(),
  pendingDeliveries: z.number().int(),
  lastEventIndex: z.number().int(),
  deliveredThrough: z.number().int(),
  endReason: chatEndReasonSchema.nullable(),
  runs: z.number().int(),
  presence: presenceViewSchema.optional(),
});

export const transcriptEntrySchema = z.object({
  from: z.enum(['customer', 'agent', 'system']),
  text: z.string(),
  at: z.iso.datetime(),
  ref: z.string(),
  name: z.string().optional(),
});

export const sessionResultSchema = z.object({
  endReason: chatEndReasonSchema,
  messagesFromCustomer: z.number().int(),
  messagesFromAgent: z.number().int(),
  eventsDelivered: z.number().int(),
  handovers: z.number().int(),
  undelivered: z
    .object({ workflowId: z.string(), pending: z.number().int(), deadLetters: z.number().int() })
    .optional(),
});
