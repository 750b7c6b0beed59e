// Payload encryption keys from configuration: `id:base64key` entries, comma-separated, newest LAST.
// Errors name the key id and what is wrong, never the key material.
import { randomBytes } from 'node:crypto';

export interface CodecKey {
  /** Stored in each payload's metadata, so a payload finds its key after a rotation. */
  id: string;
  /** 32 bytes: AES-256. */
  key: Buffer;
}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
// Strict standard base64: Buffer.from(…, 'base64') silently skips bad characters.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export class CodecKeyError extends Error {
  override readonly name = 'CodecKeyError';
}

export function parseCodecKeys(spec: string): CodecKey[] {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0)
    throw new CodecKeyError('no keys given: expected comma-separated id:base64key entries');
  const keys = entries.map((entry, i) => parseEntry(entry, i + 1));
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) throw new CodecKeyError(`key id "${id}" appears more than once`);
    seen.add(id);
  }
  return keys;
}

function parseEntry(entry: string, position: number): CodecKey {
  const colon = entry.indexOf(':');
  if (colon < 0) throw new CodecKeyError(`entry ${position} is not id:base64key (no ":")`);
  const id = entry.slice(0, colon).trim();
  const material = entry.slice(colon + 1).trim();
  if (!KEY_ID.test(id)) {
    throw new CodecKeyError(`entry ${position}: key id must be 1-64 characters of A-Z a-z 0-9 . _ -`);
  }
  if (!BASE64.test(material) || material.length % 4 !== 0) {
    throw new CodecKeyError(`key "${id}" is not valid base64`);
  }
  const key = Buffer.from(material, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new CodecKeyError(`key "${id}" is ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}`);
  }
  return { id, key };
}

/** A fresh random key as base64, for `<id>:<key>` in PAYLOAD_ENCRYPTION_KEYS. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The configuration form of keys (inverse of parseCodecKeys). */
export function formatCodecKeys(keys: readonly CodecKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}
