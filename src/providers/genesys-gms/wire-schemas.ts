// Genesys Engage GMS Chat API v2 on the wire: every operation is a form-encoded POST under
// `/genesys/2/chat/{serviceName}`, and every JSON answer is this envelope, with HTTP 200 even for errors
// (docs.genesys.com, GMS API Reference, "Chat API Version 2" and "API Responses"). Fields the docs mark
// as present only on success are optional here; reply-failures.ts decides what a reply means.
import { z } from 'zod';

/** `from` of a transcript item: who wrote it. `Client` is the customer, i.e. this bridge. */
export const gmsParticipantSchema = z.looseObject({
  nickname: z.string().optional(),
  participantId: z.union([z.number(), z.string()]).optional(),
  type: z.string().optional(),
});

/** One transcript item. `index` is its position (1-based); `utcTime` is epoch milliseconds. */
export const gmsMessageSchema = z.looseObject({
  from: gmsParticipantSchema.optional(),
  index: z.number().int(),
  type: z.string(),
  text: z.string().optional(),
  utcTime: z.number().optional(),
  userData: z.record(z.string(), z.unknown()).optional(),
});
export type GmsMessage = z.infer<typeof gmsMessageSchema>;

/**
 * An error entry. Its exact shape is not documented [G]: a numeric or string `code` (or `errorCode`)
 * and an optional `advice` / `message`.
 */
export const gmsErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  errorCode: z.union([z.number(), z.string()]).optional(),
  advice: z.string().optional(),
  message: z.string().optional(),
});

/**
 * The reply envelope. `statusCode` 0: every field is valid; 1: an error a retry may clear (no other
 * field can be trusted); 2: an error a retry will not clear (read `chatEnded`).
 */
export const gmsReplySchema = z.looseObject({
  statusCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  alias: z.string().optional(),
  chatId: z.string().optional(),
  userId: z.string().optional(),
  secureKey: z.string().optional(),
  chatEnded: z.boolean().optional(),
  nextPosition: z.number().int().optional(),
  messages: z.array(gmsMessageSchema).optional(),
  errors: z.array(gmsErrorSchema).optional(),
});
export type GmsReply = z.infer<typeof gmsReplySchema>;

/** The three values every call after request-chat sends, re-read from every successful reply. */
export interface GmsCredentials {
  [key: string]: unknown;
  chatId: string;
  userId: string;
  secureKey: string;
  alias: string;
}
