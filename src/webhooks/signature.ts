// Webhook signatures, after the Stripe / Standard Webhooks conventions: HMAC-SHA256 over
// `<unix seconds>.<raw body>`, sent as `x-bridge-signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`.
// During a secret rotation the bridge signs with both secrets (one `v1` each), so a receiver holding
// either verifies; a receiver may likewise pass several secrets. The timestamp bounds replays.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookBody } from '../shared/webhook-body';

export const signatureHeader = 'x-bridge-signature';
export const idempotencyHeader = 'idempotency-key';
export const defaultToleranceSeconds = 300;

/** Secrets are at least this long once surrounding whitespace is ignored (the worker's setting agrees). */
export const minSecretLength = 16;

function mac(secret: string, body: string, unixSeconds: number): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
}

/** The header value for `body` signed at `unixSeconds`, with one `v1` per secret. */
export function signPayload(secrets: string | readonly string[], body: string, unixSeconds: number): string {
  const list = checkSecrets(secrets);
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0) {
    throw new TypeError('signPayload: unixSeconds must be a non-negative integer');
  }
  return [`t=${unixSeconds}`, ...list.map((s) => `v1=${mac(s, body, unixSeconds)}`)].join(',');
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: string };

export interface VerifyOptions {
  /** Seconds a signature stays acceptable either side of now (default 300): a positive integer. */
  toleranceSeconds?: number;
  /** Unix seconds, for tests and for checking a stored delivery later. */
  nowSeconds?: number;
}

/** A parsed header: the timestamp and every `v1` signature, or why it is malformed. */
export function parseSignatureHeader(
  header: string,
): { ok: true; timestamp: number; signatures: Buffer[] } | { ok: false; reason: string } {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*([a-z][a-z0-9]*)=([^\s,=]+)\s*$/.exec(part);
    if (!match) return { ok: false, reason: 'malformed signature header' };
    const [, scheme, value] = match as unknown as [string, string, string];
    if (scheme === 't') {
      // Decimal digits only: no sign, exponent, hex or fraction.
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) {
        return { ok: false, reason: 'malformed signature timestamp' };
      }
      timestamp = Number(value);
    } else if (scheme === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed v1 signature' };
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other schemes (a future v2) are skipped, as Stripe's libraries do.
  }
  if (timestamp === undefined) return { ok: false, reason: 'signature header has no timestamp' };
  if (signatures.length === 0) return { ok: false, reason: 'signature header has no v1 signature' };
  return { ok: true, timestamp, signatures };
}

/**
 * Checks that one of the header's `v1` signatures matches one of `secrets` and that it is fresh.
 * Receivers want verifyDelivery, which also reads the signed event id to deduplicate on.
 */
export function verifySignature(
  secrets: string | readonly string[],
  body: string,
  header: string | undefined,
  options: VerifyOptions = {},
): VerifyResult {
  const list = checkSecrets(secrets);
  const tolerance = checkTolerance(options.toleranceSeconds);
  if (!header) return { ok: false, reason: `missing ${signatureHeader} header` };
  const parsed = parseSignatureHeader(header);
  if (!parsed.ok) return parsed;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (!Number.isFinite(now)) throw new TypeError('verifySignature: nowSeconds must be a finite number');
  if (Math.abs(now - parsed.timestamp) > tolerance) {
    return { ok: false, reason: 'signature timestamp outside tolerance' };
  }
  for (const secret of list) {
    const expected = Buffer.from(mac(secret, body, parsed.timestamp), 'hex');
    if (parsed.signatures.some((given) => timingSafeEqual(given, expected))) {
      return { ok: true, timestamp: parsed.timestamp };
    }
  }
  return { ok: false, reason: 'signature does not match' };
}

export type VerifiedDelivery =
  { ok: true; timestamp: number; body: WebhookBody; key: string } | { ok: false; reason: string };

/**
 * For receivers: verifies a delivery and returns its body and `key`, the signed event id to deduplicate
 * on (with a ReplayGuard, or your own store). The unsigned `idempotency-key` header must match it, so a
 * replayed request with a new header is not mistaken for a new event.
 */
export function verifyDelivery(
  secrets: string | readonly string[],
  rawBody: string,
  headers: { signature: string | undefined; idempotencyKey: string | undefined },
  options: VerifyOptions = {},
): VerifiedDelivery {
  const verified = verifySignature(secrets, rawBody, headers.signature, options);
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

/** A misconfiguration, not a bad request: thrown, so it cannot pass as "signature does not match". */
function checkSecrets(secrets: string | readonly string[]): readonly string[] {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new TypeError('webhook signatures need at least one secret');
  for (const secret of list) {
    if (typeof secret !== 'string' || secret.trim().length < minSecretLength) {
      throw new TypeError(`a webhook secret must have at least ${minSecretLength} non-blank characters`);
    }
  }
  return list;
}

function checkTolerance(toleranceSeconds: number | undefined): number {
  const tolerance = toleranceSeconds ?? defaultToleranceSeconds;
  if (!Number.isSafeInteger(tolerance) || tolerance <= 0) {
    throw new TypeError('toleranceSeconds must be a positive integer');
  }
  return tolerance;
}
