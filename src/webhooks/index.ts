// What a channel's webhook receiver needs: verify a delivery's signature, deduplicate by its key.
export {
  defaultToleranceSeconds,
  idempotencyHeader,
  parseSignatureHeader,
  signatureHeader,
  signPayload,
  verifyDelivery,
  verifySignature,
  type VerifiedDelivery,
  type VerifyOptions,
  type VerifyResult,
} from './signature';
export { ReplayGuard, type ReplayGuardOptions, type ReplayVerdict } from './replay-guard';
export type { WebhookBody } from '../shared/webhook-body';
