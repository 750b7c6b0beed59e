export { ChatSessions, EventsTruncatedError, sessionWorkflowId, type BusinessKey } from './chat-sessions';
export { InvalidInputError } from './input-schemas';
export { verifySignature, signatureHeader, idempotencyHeader } from '../webhooks/signature';
export * from '../shared/definitions';
export type * from '../shared/session-types';
export type * from '../shared/events';
