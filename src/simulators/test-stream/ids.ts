// Session ids and tokens. Tokens are random and unguessable, like a real bearer token.
import { randomBytes, randomUUID } from 'node:crypto';

export function newSessionId(): string {
  return `ts-${randomUUID()}`;
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
