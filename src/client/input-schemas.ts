// zod schemas for what backend teams pass in. The client validates before anything reaches Temporal;
// the workflow's own (sandbox-safe) validators check again, so a bad update never enters history.
import { z } from 'zod';
import { tuningCeilings, tuningFloors } from '../shared/session-types';
import { limits } from '../shared/input-limits';
import { InvalidInputError } from './errors';

export const sessionTuningSchema = z
  .object({
    deliveryMaxBackoffMs: z.number().int().min(tuningFloors.deliveryMaxBackoffMs),
    deliveryBacklogMaxBytes: z
      .number()
      .int()
      .min(tuningFloors.deliveryBacklogMaxBytes)
      .max(tuningCeilings.deliveryBacklogMaxBytes),
    deliveryHorizonMs: z
      .number()
      .int()
      .min(tuningFloors.deliveryHorizonMs)
      .max(tuningCeilings.deliveryHorizonMs),
    reconnectGiveUpMs: z.number().int().min(1_000),
    continueAsNewAfterEvents: z.number().int().min(50),
    transcriptTail: z.number().int().min(1).max(10_000),
    recentEventsKept: z.number().int().min(1).max(10_000),
    acceptedIdsKept: z.number().int().min(1).max(100_000),
    searchAttributes: z.boolean(),
  })
  .partial()
  .strict();

export const startSessionSchema = z
  .object({
    provider: z.string().min(1),
    customerId: z.string().min(1).max(256),
    visitorName: z.string().min(1).max(256),
    webhookUrl: z.url().optional(),
    providerOptions: z.record(z.string(), z.unknown()).optional(),
    tuning: sessionTuningSchema.optional(),
  })
  .strict();

export const sendMessageSchema = z
  .object({
    // Kept exactly as given: the id is compared as is, the text sent as written.
    clientMessageId: z
      .string()
      .max(limits.clientMessageIdMax)
      .refine((s) => s.trim() !== '', 'must not be empty or only whitespace'),
    text: z
      .string()
      .max(limits.textMax)
      .refine((s) => s.trim() !== '', 'must not be empty or only whitespace'),
  })
  .strict();

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(limits.fileUrlMax);

const clientMessageIdSchema = z
  .string()
  .max(limits.clientMessageIdMax)
  .refine((s) => s.trim() !== '', 'must not be empty or only whitespace');

export const sendFileSchema = z
  .object({
    clientMessageId: clientMessageIdSchema,
    url: httpUrl,
    fileName: z
      .string()
      .min(1)
      .max(limits.fileNameMax)
      .refine(
        (s) => !/[\\/]/.test(s) && !s.includes(String.fromCharCode(0)) && s.trim() !== '',
        'must be a plain file name',
      ),
    contentType: z.string().min(1).max(limits.contentTypeMax).optional(),
  })
  .strict();

export const updateUserDataSchema = z
  .object({
    userData: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9_.-]+$/, 'keys are letters, digits, _ . -')
          .max(limits.userDataKeyMax),
        z.union([z.string().max(limits.userDataValueMax), z.number(), z.boolean()]),
      )
      .refine((d) => Object.keys(d).length >= 1, 'must hold at least one key')
      .refine((d) => Object.keys(d).length <= limits.userDataKeys, `at most ${limits.userDataKeys} keys`),
  })
  .strict();

const fileIdSchema = z.string().min(1).max(limits.fileIdMax);

export const fileRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('limits') }).strict(),
  z.object({ op: z.literal('download'), fileId: fileIdSchema, putUrl: httpUrl }).strict(),
  z.object({ op: z.literal('delete'), fileId: fileIdSchema }).strict(),
]);

/** The business key that names a session's workflow, e.g. `chat:wechat:<openid>`. */
export const businessKeySchema = z.object({
  channel: z
    .string()
    .max(32)
    .regex(/^[a-z0-9-]+$/, 'channel must be lowercase letters, digits or dashes'),
  // Part of a workflow id an operator reads and types: printable, well-formed, no direction tricks.
  customerId: z
    .string()
    .min(1)
    .max(200)
    .refine(
      (s) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s),
      'must be well-formed Unicode (no lone surrogates)',
    )
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f-\u009f]/.test(s), 'must not contain control characters')
    .refine(
      (s) => !/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s),
      'must not contain bidirectional formatting characters',
    ),
});

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidInputError(what, parsed.error.issues);
  return parsed.data;
}
