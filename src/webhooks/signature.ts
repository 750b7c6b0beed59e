// Webhook signatures: HMAC-SHA256 over `<unix seconds>.<raw body>`, sent as
// `x-bridge-signature: t=<unix seconds>,v1=<hex>`. The timestamp lets receivers reject replays.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'x-bridge-signature';
export const idempotencyHeader = 'idempotency-key';

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * For receivers: checks the signature and that it is fresh. Pair it with a store of seen idempotency
 * keys to reject replays inside the tolerance window.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): VerifyResult {
  if (!header) return { ok: false, reason: `missing ${signatureHeader} header` };
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !parts.v1) return { ok: false, reason: 'malformed signature header' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - timestamp) > tolerance)
    return { ok: false, reason: 'signature timestamp outside tolerance' };
  const expected = Buffer.from(signPayload(secret, body, timestamp).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true, timestamp };
}
