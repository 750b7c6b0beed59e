// What a session may pass for GMS in `providerOptions`: the Widgets' startChat fields (nickname, first and
// last name, email, subject, userData). Checked before the chat is requested, so a bad option is a typed
// refusal and no chat is opened (docs/protocols/genesys-gms.md §2 "Request chat", §5 "userData").
import { z } from 'zod';
import { parseProviderOptions, type ParsedOptions } from '../provider-options';

const text = (max: number) => z.string().trim().min(1).max(max);
/** userData values are flat on the wire: strings, numbers and booleans (docs/protocols/genesys-gms.md §5). */
const userDataValue = z.union([z.string().max(4096), z.number(), z.boolean()]);

export const gmsVisitorOptionsSchema = z.strictObject({
  /** Defaults to the session's visitorName. */
  nickname: text(100).optional(),
  firstName: text(100).optional(),
  lastName: text(100).optional(),
  email: text(254).optional(),
  subject: text(512).optional(),
  userData: z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'userData keys are letters, digits, _ . -'),
      userDataValue,
    )
    .refine((data) => Object.keys(data).length <= 100, 'at most 100 userData keys')
    .optional(),
});
export type GmsVisitorOptions = z.infer<typeof gmsVisitorOptionsSchema>;

/** The options, or why they are refused (the first few problems, with their paths). */
export function parseVisitorOptions(options: Record<string, unknown>): ParsedOptions<GmsVisitorOptions> {
  return parseProviderOptions(gmsVisitorOptionsSchema, options);
}
