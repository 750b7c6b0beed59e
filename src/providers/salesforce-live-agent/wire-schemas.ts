// Every Live Agent (legacy Chat REST, visitor side) wire shape, docs/protocols/salesforce-live-agent.md §1.3–1.9.
// Shared by the client (to validate what the server says) and the simulator (to reject what the vendor would).
// Inbound message bodies are loose objects: the vendor adds fields across API versions, and dropping them
// would lose data the mapping layer may want later. Required fields only where the docs say so.
import { z } from 'zod';

/** Header names (§1.2). The sequence header is required on Chasitor POSTs only. */
export const LIVE_AGENT_HEADERS = {
  apiVersion: 'X-LIVEAGENT-API-VERSION',
  affinity: 'X-LIVEAGENT-AFFINITY',
  sessionKey: 'X-LIVEAGENT-SESSION-KEY',
  sequence: 'X-LIVEAGENT-SEQUENCE',
} as const;

/** The literal affinity value sent on SessionId and ReconnectSession (§1.2, seed 000). */
export const NULL_AFFINITY = 'null';

// ---------------------------------------------------------------------------------------------
// System responses

/** `GET System/SessionId` (§1.4). `clientPollTimeout` is in seconds. */
export const sessionIdResponseSchema = z.object({
  id: z.string().min(1),
  key: z.string().min(1),
  affinityToken: z.string().min(1),
  // The client's poll deadline derives from it: 0 or negative would fail every poll at once.
  clientPollTimeout: z.number().int().min(1).max(3_600),
});
export type SessionIdResponse = z.infer<typeof sessionIdResponseSchema>;

/** One entry of `messages[]`. Unknown types parse too: the mapper turns them into `unknown` events. */
export const rawMessageSchema = z.looseObject({
  type: z.string(),
  message: z.unknown().default({}),
});
export type RawMessage = z.infer<typeof rawMessageSchema>;

/** `GET System/Messages` 200 body (§1.6). A 204 has no body at all. Older API versions send no `offset`. */
export const messagesResponseSchema = z.object({
  messages: z.array(rawMessageSchema),
  sequence: z.int(),
  offset: z.int().optional(),
});
export type MessagesResponse = z.infer<typeof messagesResponseSchema>;

/** `message` of the ReconnectSession entry; `resetSequence` may be missing and then means true (§1.9). */
export const reconnectSessionMessageSchema = z.looseObject({
  resetSequence: z.boolean().optional(),
  affinityToken: z.string().min(1),
});
export type ReconnectSessionMessage = z.infer<typeof reconnectSessionMessageSchema>;

/** `GET System/ReconnectSession` 200 body (§1.9). */
export const reconnectSessionResponseSchema = z.object({
  messages: z
    .array(z.object({ type: z.literal('ReconnectSession'), message: reconnectSessionMessageSchema }))
    .min(1),
});
export type ReconnectSessionResponse = z.infer<typeof reconnectSessionResponseSchema>;

/**
 * `attachedRecords` of ChatEnded / the ChatEnd response: empty unless post-chat records are attached,
 * then an array of `{fieldName, fieldValue}` objects (or ids), and a string in the docs' type table
 * (§1.7). Kept loose: it never decides whether a chat has ended.
 */
const attachedRecordsSchema = z
  .union([
    z.string(),
    z.array(
      z.union([z.string(), z.looseObject({ fieldName: z.string().optional(), fieldValue: z.unknown() })]),
    ),
  ])
  .optional();

/** `POST Chasitor/ChatEnd` response: the docs list one property (§1.3 row 9). */
export const chatEndResponseSchema = z.looseObject({ attachedRecords: attachedRecordsSchema });
export type ChatEndResponse = z.infer<typeof chatEndResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Inbound message bodies (§1.7): the `message` of each known `messages[].type`

const geoLocationSchema = z.looseObject({
  countryCode: z.string().optional(),
  countryName: z.string().optional(),
  region: z.string().optional(),
  city: z.string().optional(),
  organization: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});

const chasitorIdleTimeoutSchema = z.looseObject({
  isEnabled: z.boolean().optional(),
  warningTime: z.number().optional(),
  timeout: z.number().optional(),
});

const sensitiveDataRuleSchema = z.looseObject({ id: z.string().optional(), name: z.string().optional() });

/** Shape shared by ChatEstablished, ChatTransferred and ChatResumedAfterTransfer. */
const agentAssignedShape = {
  name: z.string().optional(),
  userId: z.string().optional(),
  sneakPeekEnabled: z.boolean().optional(),
  chasitorIdleTimeout: chasitorIdleTimeoutSchema.optional(),
};

/** Typing bodies are `{}` in the docs; one capture had `{name, agentId}` [O]. */
const agentTypingSchema = z.looseObject({ name: z.string().optional(), agentId: z.string().optional() });

/** ChasitorSessionData.chatMessages[] entry; `type` is Agent / Chasitor / OperatorTransferred. */
export const transcriptEntrySchema = z.looseObject({
  type: z.string(),
  name: z.string().optional(),
  content: z.string().optional(),
  timestamp: z.number().optional(),
  sequence: z.number().optional(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

export const messageBodySchemas = {
  ChatRequestSuccess: z.looseObject({
    queuePosition: z.int().optional(),
    estimatedWaitTime: z.number().optional(),
    geoLocation: geoLocationSchema.optional(),
    url: z.string().optional(),
    oref: z.string().optional(),
    postChatUrl: z.string().optional(),
    customDetails: z.array(z.unknown()).optional(),
    visitorId: z.string().optional(),
    connectionTimeout: z.number().optional(),
    sensitiveDataRules: z.array(sensitiveDataRuleSchema).optional(),
    transcriptSaveEnabled: z.boolean().optional(),
  }),
  ChatRequestFail: z.looseObject({ reason: z.string().optional(), postChatUrl: z.string().optional() }),
  QueueUpdate: z.looseObject({ position: z.int(), estimatedWaitTime: z.number().optional() }),
  ChatEstablished: z.looseObject({ ...agentAssignedShape, items: z.array(z.unknown()).optional() }),
  ChatMessage: z.looseObject({
    name: z.string().optional(),
    text: z.string(),
    agentId: z.string().optional(),
    schedule: z.looseObject({ responseDelayMilliseconds: z.number().optional() }).optional(),
  }),
  AgentTyping: agentTypingSchema,
  AgentNotTyping: agentTypingSchema,
  AgentDisconnect: z.looseObject({}),
  ChatEnded: z.looseObject({
    reason: z.string().optional(),
    attachedRecords: attachedRecordsSchema,
  }),
  ChatTransferred: z.looseObject(agentAssignedShape),
  TransferToButtonInitiated: z.looseObject({}),
  ChatResumedAfterTransfer: z.looseObject(agentAssignedShape),
  AgentJoinedConference: z.looseObject({ name: z.string().optional(), userId: z.string().optional() }),
  AgentLeftConference: z.looseObject({ name: z.string().optional(), userId: z.string().optional() }),
  CustomEvent: z.looseObject({ type: z.string(), data: z.string() }),
  NewVisitorBreadcrumb: z.looseObject({ location: z.string().optional() }),
  ChasitorSessionData: z.looseObject({
    queuePosition: z.int().optional(),
    geoLocation: geoLocationSchema.optional(),
    url: z.string().optional(),
    oref: z.string().optional(),
    postChatUrl: z.string().optional(),
    sneakPeekEnabled: z.boolean().optional(),
    chatMessages: z.array(transcriptEntrySchema).default([]),
  }),
  // The documented key is `sensitiveDataRules` (§1.7); `rules` is read too, as earlier captures had it.
  SensitiveDataRules: z.looseObject({
    sensitiveDataRules: z.array(sensitiveDataRuleSchema).optional(),
    rules: z.array(sensitiveDataRuleSchema).optional(),
  }),
  SensitiveDataRuleTriggered: z.looseObject({ rules: z.array(sensitiveDataRuleSchema).default([]) }),
  FileTransfer: z.looseObject({
    type: z.string(),
    uploadServletUrl: z.string().optional(),
    fileToken: z.string().optional(),
    cdmServletUrl: z.string().optional(),
  }),
  // Einstein bot content; its schema was never captured, so anything goes.
  RichMessage: z.looseObject({}),
} as const satisfies Record<string, z.ZodType>;

export type KnownMessageType = keyof typeof messageBodySchemas;
export const knownMessageTypes = Object.keys(messageBodySchemas) as KnownMessageType[];

export function isKnownMessageType(type: string): type is KnownMessageType {
  return Object.hasOwn(messageBodySchemas, type);
}

/** The parsed `message` of a known type, e.g. `MessageBody<'ChatMessage'>`. */
export type MessageBody<T extends KnownMessageType> = z.infer<(typeof messageBodySchemas)[T]>;

// Inbound (server → client) body types. Request bodies are the `...Request` types further down.
export type ChatRequestSuccessBody = MessageBody<'ChatRequestSuccess'>;
export type ChatRequestFailBody = MessageBody<'ChatRequestFail'>;
export type QueueUpdateBody = MessageBody<'QueueUpdate'>;
export type ChatEstablishedBody = MessageBody<'ChatEstablished'>;
export type ChatMessageBody = MessageBody<'ChatMessage'>;
export type AgentTypingBody = MessageBody<'AgentTyping'>;
export type AgentNotTypingBody = MessageBody<'AgentNotTyping'>;
export type AgentDisconnectBody = MessageBody<'AgentDisconnect'>;
export type ChatEndedBody = MessageBody<'ChatEnded'>;
export type ChatTransferredBody = MessageBody<'ChatTransferred'>;
export type TransferToButtonInitiatedBody = MessageBody<'TransferToButtonInitiated'>;
export type ChatResumedAfterTransferBody = MessageBody<'ChatResumedAfterTransfer'>;
export type AgentJoinedConferenceBody = MessageBody<'AgentJoinedConference'>;
export type AgentLeftConferenceBody = MessageBody<'AgentLeftConference'>;
export type CustomEventBody = MessageBody<'CustomEvent'>;
export type NewVisitorBreadcrumbBody = MessageBody<'NewVisitorBreadcrumb'>;
export type ChasitorSessionDataBody = MessageBody<'ChasitorSessionData'>;
export type SensitiveDataRulesBody = MessageBody<'SensitiveDataRules'>;
export type SensitiveDataRuleTriggeredBody = MessageBody<'SensitiveDataRuleTriggered'>;
export type FileTransferBody = MessageBody<'FileTransfer'>;
export type RichMessageBody = MessageBody<'RichMessage'>;

/** A known message, discriminated on `type`, for exhaustive `switch`es in the mapper. */
export type KnownMessage = {
  [T in KnownMessageType]: { type: T; message: MessageBody<T> };
}[KnownMessageType];

/** Parse one raw entry: a known message, `{ ok: false }` if a known type's body breaks its schema. */
export function parseKnownMessage(
  raw: RawMessage,
): { ok: true; known: KnownMessage } | { ok: true; known: undefined } | { ok: false; error: z.ZodError } {
  if (!isKnownMessageType(raw.type)) return { ok: true, known: undefined };
  const parsed = messageBodySchemas[raw.type].safeParse(raw.message);
  if (!parsed.success) return { ok: false, error: parsed.error };
  return { ok: true, known: { type: raw.type, message: parsed.data } as KnownMessage };
}

// ---------------------------------------------------------------------------------------------
// Request bodies (client → server)

const customDetailSchema = z.looseObject({
  label: z.string(),
  value: z.string(),
  transcriptFields: z.array(z.string()).optional(),
  displayToAgent: z.boolean().optional(),
  entityMaps: z.array(z.unknown()).optional(),
  entityFieldMaps: z.array(z.unknown()).optional(),
});

const entityFieldsMapSchema = z.looseObject({
  fieldName: z.string(),
  label: z.string(),
  doFind: z.boolean().optional(),
  isExactMatch: z.boolean().optional(),
  doCreate: z.boolean().optional(),
});

const prechatEntitySchema = z.looseObject({
  entityName: z.string(),
  showOnCreate: z.boolean().optional(),
  linkToEntityName: z.string().optional(),
  linkToEntityField: z.string().optional(),
  saveToTranscript: z.string().optional(),
  entityFieldsMaps: z.array(entityFieldsMapSchema).optional(),
});

/** `POST Chasitor/ChasitorInit` (§1.5). */
export const chasitorInitBodySchema = z.object({
  organizationId: z.string().min(1),
  deploymentId: z.string().min(1),
  buttonId: z.string().min(1),
  sessionId: z.string().min(1),
  userAgent: z.string(),
  language: z.string(),
  screenResolution: z.string(),
  visitorName: z.string(),
  prechatDetails: z.array(customDetailSchema).optional(),
  prechatEntities: z.array(prechatEntitySchema).optional(),
  buttonOverrides: z.array(z.string()).optional(),
  receiveQueueUpdates: z.boolean().optional(),
  isPost: z.boolean().optional(),
  agentId: z.string().optional(),
  doFallback: z.boolean().optional(),
});
export type ChasitorInitRequest = z.infer<typeof chasitorInitBodySchema>;

/** `POST Chasitor/ChatMessage`. */
export const chatMessageBodySchema = z.object({ text: z.string().min(1) });
export type ChatMessageRequest = z.infer<typeof chatMessageBodySchema>;

/** `POST Chasitor/ChasitorTyping` / `ChasitorNotTyping`: no body, `{}` is fine [O]. */
export const typingBodySchema = z.object({}).optional();
export type TypingRequest = z.infer<typeof typingBodySchema>;

/** `POST Chasitor/ChasitorSneakPeek`. */
export const sneakPeekBodySchema = z.object({ position: z.int(), text: z.string() });
export type SneakPeekRequest = z.infer<typeof sneakPeekBodySchema>;

/** `POST Chasitor/CustomEvent`. */
export const customEventBodySchema = z.object({ type: z.string().min(1), data: z.string() });
export type CustomEventRequest = z.infer<typeof customEventBodySchema>;

/** `POST Chasitor/ChatEnd`: `reason` must be `client`; one client also sends `type: "ChatEndReason"` [O]. */
export const chatEndBodySchema = z.object({ reason: z.literal('client'), type: z.string().optional() });
export type ChatEndRequest = z.infer<typeof chatEndBodySchema>;

/** `POST Chasitor/ChasitorResyncState`, after a ReconnectSession (§1.9 step 5). */
export const resyncStateBodySchema = z.object({ organizationId: z.string().min(1) });
export type ResyncStateRequest = z.infer<typeof resyncStateBodySchema>;

/** `POST Chasitor/ChasitorIdleTimeoutWarningEvent` (v35+). */
export const idleTimeoutWarningBodySchema = z.object({
  idleTimeoutWarningEvent: z.enum(['triggered', 'cleared']),
});
export type IdleTimeoutWarningRequest = z.infer<typeof idleTimeoutWarningBodySchema>;

/** `POST System/MultiNoun`: several POSTs in one request. */
export const multiNounBodySchema = z.object({
  nouns: z.array(z.object({ prefix: z.string(), noun: z.string(), data: z.unknown().optional() })).min(1),
});
export type MultiNounRequest = z.infer<typeof multiNounBodySchema>;

/** `POST Visitor/Breadcrumb`. */
export const breadcrumbBodySchema = z.object({ location: z.string() });
export type BreadcrumbRequest = z.infer<typeof breadcrumbBodySchema>;

// ---------------------------------------------------------------------------------------------
// Visitor resources (§1.3 rows 14–16): no session; answered in the same `messages[]` envelope.

export const availabilityMessageSchema = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.string(),
      // A missing value means "not available" (§1.7).
      isAvailable: z.boolean().optional(),
      estimatedWaitTime: z.number().optional(),
    }),
  ),
});
export type AvailabilityMessage = z.infer<typeof availabilityMessageSchema>;

/** Sent instead of a result when the org moved instance: follow `newUrl` (§1.13). */
export const switchServerMessageSchema = z.looseObject({ newUrl: z.string() });
export type SwitchServerMessage = z.infer<typeof switchServerMessageSchema>;

export const visitorSettingsMessageSchema = z.looseObject({
  pingrate: z.number().optional(),
  contentServerUrl: z.string().optional(),
  buttons: z.array(z.unknown()).optional(),
});
export type VisitorSettingsMessage = z.infer<typeof visitorSettingsMessageSchema>;

export const visitorIdMessageSchema = z.looseObject({ sessionId: z.string() });
export type VisitorIdMessage = z.infer<typeof visitorIdMessageSchema>;

/** Envelope of every Visitor/* response: match entries by `type` (Availability, SwitchServer, …). */
export const visitorResponseSchema = z.object({ messages: z.array(rawMessageSchema) });
export type VisitorResponse = z.infer<typeof visitorResponseSchema>;
