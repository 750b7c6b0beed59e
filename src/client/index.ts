export { ChatSessions, EventsTruncatedError, sessionWorkflowId, type BusinessKey } from './chat-sessions';
export {
  AgentPresences,
  presenceWorkflowId,
  type AgentKey,
  type StartPresenceOptions,
} from './agent-presences';
export {
  ChatBridgeError,
  ChatBridgeErrorType,
  ChatEndedError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  SessionNotFoundError,
  VendorRejectedError,
  type ChatBridgeErrorTypeName,
} from './errors';
export { verifyDelivery, verifySignature, signatureHeader, idempotencyHeader } from '../webhooks/signature';
export { ReplayGuard, type ReplayVerdict } from '../webhooks/replay-guard';
export * from '../shared/definitions';
export type * from '../shared/session-types';
export type * from '../shared/events';
export { temporalConnectionOptions, type TemporalConnectionSettings } from '../config/temporal-connection';
