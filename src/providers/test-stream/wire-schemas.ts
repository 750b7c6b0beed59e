// Every test-stream wire shape (docs/test-stream-protocol.md), shared by the provider (to validate what
// the server says) and the simulator (to reject what the protocol forbids). Request bodies are strict
// objects, so the simulator refuses fields the protocol does not have; event data are loose objects,
// so a server that adds a field does not break older clients.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Requests (client → server)

export const createSessionBodySchema = z.strictObject({
  customerId: z.string().min(1),
  visitorName: z.string().min(1),
  routing: z.record(z.string(), z.string()).optional(),
});
export type CreateSessionBody = z.infer<typeof createSessionBodySchema>;

export const sendMessageBodySchema = z.strictObject({
  idempotencyKey: z.string().min(1).max(200),
  text: z.string().min(1),
});
export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

export const typingBodySchema = z.strictObject({ typing: z.boolean() });
export type TypingBody = z.infer<typeof typingBodySchema>;

export const endBodySchema = z.strictObject({});

/** The token goes in the body: the old one no longer authorizes anything. */
export const resumeBodySchema = z.strictObject({ token: z.string().min(1) });
export type ResumeBody = z.infer<typeof resumeBodySchema>;

// ---------------------------------------------------------------------------------------------
// Responses (server → client)

export const createSessionResponseSchema = z.object({
  sessionId: z.string().min(1),
  token: z.string().min(1),
});
export type CreateSessionResponse = z.infer<typeof createSessionResponseSchema>;

export const resumeResponseSchema = z.object({ token: z.string().min(1) });
export type ResumeResponse = z.infer<typeof resumeResponseSchema>;

export const errorBodySchema = z.object({ error: z.string() });

/** The `error` codes of non-2xx answers. */
export const ERROR_CODES = {
  badRequest: 'bad_request',
  badLastEventId: 'bad_last_event_id',
  unauthorized: 'unauthorized',
  tokenRotated: 'token_rotated',
  invalidToken: 'invalid_token',
  notFound: 'not_found',
  sessionEnded: 'session_ended',
  methodNotAllowed: 'method_not_allowed',
  conflict: 'conflict',
  unsupportedMediaType: 'unsupported_media_type',
  fault: 'fault',
} as const;

// ---------------------------------------------------------------------------------------------
// Stream events: the `data` of each known `event:` type

export const streamEventDataSchemas = {
  queue: z.looseObject({
    position: z.int().min(0),
    estimatedWaitSeconds: z.number().min(0).optional(),
  }),
  agentJoined: z.looseObject({ agentName: z.string(), agentId: z.string() }),
  message: z.looseObject({ text: z.string(), agentName: z.string().optional() }),
  typing: z.looseObject({}),
  typingStopped: z.looseObject({}),
  agentLeft: z.looseObject({}),
  ended: z.looseObject({ reason: z.string().min(1) }),
} as const satisfies Record<string, z.ZodType>;

/** Not an event of the session: the server rotated the token and closes the stream. No id, never replayed. */
export const GOAWAY_EVENT = 'goaway';
export const goawayDataSchema = z.looseObject({ reason: z.string() });

export type StreamEventType = keyof typeof streamEventDataSchemas;
export type StreamEventData<T extends StreamEventType> = z.infer<(typeof streamEventDataSchemas)[T]>;

/** A known event, discriminated on `type`, for exhaustive `switch`es in the mapper. */
export type KnownStreamEvent = {
  [T in StreamEventType]: { type: T; data: StreamEventData<T> };
}[StreamEventType];

export function isKnownEventType(type: string): type is StreamEventType {
  return Object.hasOwn(streamEventDataSchemas, type);
}

/** One event as received: its id, its type and data, and the parsed form when the type is known. */
export interface WireStreamEvent {
  id: number;
  type: string;
  data: unknown;
  known: KnownStreamEvent | undefined;
}

/** Validates a known type's data; unknown types pass as `known: undefined`. */
export function parseEventData(
  type: string,
  data: unknown,
): { ok: true; known: KnownStreamEvent | undefined } | { ok: false; error: z.ZodError } {
  if (!isKnownEventType(type)) return { ok: true, known: undefined };
  const parsed = streamEventDataSchemas[type].safeParse(data);
  if (!parsed.success) return { ok: false, error: parsed.error };
  return { ok: true, known: { type, data: parsed.data } as KnownStreamEvent };
}
