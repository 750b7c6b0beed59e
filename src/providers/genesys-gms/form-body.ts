// GMS takes form-encoded POSTs, never JSON (docs/protocols/genesys-gms.md §1, §5 "userData"): one field
// per key, user data as `userData[key]=value` with flat string values, and on every call after
// request-chat the session's `userId`, `secureKey` and `alias`.
import type { GmsCredentials } from './wire-schemas';

export type FormValue = string | number | boolean;

/** The body of one GMS call: `fields` (undefined ones left out), the credentials, then `userData[…]`. */
export function gmsFormBody(
  fields: Record<string, FormValue | undefined>,
  options: { credentials?: GmsCredentials; userData?: Record<string, unknown> } = {},
): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) form.append(name, String(value));
  }
  const creds = options.credentials;
  if (creds) {
    form.append('userId', creds.userId);
    form.append('secureKey', creds.secureKey);
    form.append('alias', creds.alias);
  }
  for (const [key, value] of Object.entries(options.userData ?? {})) {
    if (value === undefined) continue;
    // Values are flat strings on the wire; anything structured travels as JSON text [G].
    const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    form.append(`userData[${key}]`, text);
  }
  return form.toString();
}

/** Request-chat fields under their wire names (the Widgets' `firstname`/`email` are not what GMS reads). */
export function requestChatFields(visitor: {
  nickname?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  subject?: string;
}): Record<string, string | undefined> {
  return {
    nickname: visitor.nickname,
    firstName: visitor.firstName,
    lastName: visitor.lastName,
    emailAddress: visitor.email,
    subject: visitor.subject,
  };
}
