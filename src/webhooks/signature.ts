// Webhook signatures: HMAC-SHA256 over `<unix seconds>.<raw body>`, sent as
// `x-bridge-signature: t=<unix seconds>,v1=<hex>`. The timestamp lets receivers reject replays.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookBody } from '../shared/webhook-body';

export const signatureHeader = 'x-bridge-signature';
export const idempotencyHeader = 'idempotency-key';

export function signPayload(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

/**
 * Checks the signature and that it is fresh. Receivers want verifyDelivery, which also reads the signed
 * event id to deduplicate on.
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

export type VerifiedDelivery =
  { ok: true; timestamp: number; body: WebhookBody; key: string } | { ok: false; reason: string };

/**
 * For receivers: verifies a delivery and returns its body and `key`, the signed event id to deduplicate
 * on (with a ReplayGuard, or your own store). The unsigned `idempotency-key` header must match it, so a
 * replayed request with a new header is not mistaken for a new event.
 */
export function verifyDelivery(
  secret: string,
  rawBody: string,
  headers: { signature: string | undefined; idempotencyKey: string | undefined },
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): VerifiedDelivery {
  const verified = verifySignature(secret, rawBody, headers.signature, options);
  if (!verified.ok) return verified;
  let body: WebhookBody;
  try {
    body = JSON.parse(rawBody) as WebhookBody;
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const key = body?.event?.id;
  if (typeof key !== 'string' || key === '') return { ok: false, reason: 'body has no event id' };
  if (headers.idempotencyKey !== undefined && headers.idempotencyKey !== key) {
    return { ok: false, reason: `${idempotencyHeader} header does not match the signed event id` };
  }
  return { ok: true, timestamp: verified.timestamp, body, key };
}
