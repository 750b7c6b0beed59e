// Session identifiers in the shapes the real server uses (docs/protocols/salesforce-live-agent.md §1.4), from node:crypto.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

export function newSessionId(): string {
  return randomUUID();
}

/** `id!millis!signature`, the observed key format; the signature looks like a base64 SHA-1. */
export function newSessionKey(sessionId: string, now: number): string {
  return `${sessionId}!${now}!${randomBytes(20).toString('base64')}`;
}

/** Eight hex characters, different from the token it replaces. */
export function newAffinityToken(previous?: string): string {
  for (;;) {
    const token = randomBytes(4).toString('hex');
    if (token !== previous) return token;
  }
}

/** A Salesforce-style 18-character record id with the given 3-character key prefix (005 = user). */
export function newRecordId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = prefix;
  while (id.length < 18) id += alphabet[randomInt(alphabet.length)];
  return id;
}

/** Opaque offsets start somewhere large and arbitrary, like the real ones (e.g. 54647226). */
export function initialOffset(): number {
  return randomInt(10_000_000, 90_000_000);
}

export function newFileToken(): string {
  return randomBytes(16).toString('hex');
}
