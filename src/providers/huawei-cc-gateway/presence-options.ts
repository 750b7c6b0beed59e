// What a session may pass for one Huawei agent in `providerOptions` (the client's `startAgentPresence`
// builds them): the sign-in fields, the skills, the receive mode and the two policies. Checked before
// anything reaches the gateway, so a bad option is a typed refusal and no agent is signed in.
import { z } from 'zod';
import { parseProviderOptions, type ParsedOptions } from '../provider-options';

export const presenceOptionsSchema = z.strictObject({
  /** The softphone number the agent signs in with (sign-in field `phonenum`). */
  phonenum: z.string().trim().min(1).max(32),
  /** Falls back to the worker's HUAWEI_AGENT_PASSWORD. Session input is encrypted by the payload codec. */
  password: z.string().min(1).max(128).optional(),
  /** `all`: every configured skill (`resetskill/true`); or these skill ids only. */
  skills: z
    .union([
      z.literal('all'),
      z
        .array(z.string().regex(/^\d{1,10}$/))
        .min(1)
        .max(100),
    ])
    .default('all'),
  /** push: the gateway POSTs events, the bridge handshakes every 30 s; poll: the held event poll. */
  mode: z.enum(['push', 'poll']).default('push'),
  /** Sign the agent's other session out (forcelogin) when the gateway answers 100-002. */
  forceLogin: z.boolean().default(false),
  /** After a sign-out the caller did not ask for: sign in again always, never, or only outside a call. */
  reSignIn: z.enum(['always', 'never', 'outsideCalls']).default('always'),
  /** The state right after sign-in: 3 busy, 4 idle (the gateway's default), 5 wrap-up. */
  initialStatus: z.union([z.literal(3), z.literal(4), z.literal(5)]).optional(),
  autoAnswer: z.boolean().optional(),
});
export type PresenceOptions = z.infer<typeof presenceOptionsSchema>;

export function parsePresenceOptions(options: Record<string, unknown>): ParsedOptions<PresenceOptions> {
  return parseProviderOptions(presenceOptionsSchema, options);
}
