// Read-only snapshots of a session for assertions and the control API. Tokens stay out.
import type { EndReason, SimSession, StoredEvent } from './sim-session';

export interface SessionView {
  id: string;
  customerId: string;
  visitorName: string;
  routing: Record<string, string> | undefined;
  createdAt: number;
  agentName: string | undefined;
  /** Texts of the customer messages stored, in order (each idempotency key once). */
  customerMessages: string[];
  duplicateMessagesIgnored: number;
  customerTyping: boolean;
  openStreams: number;
  streamsOpened: number;
  maxConcurrentStreams: number;
  lastEventId: number;
  ended: boolean;
  endReason: EndReason | undefined;
  expired: boolean;
  tokenRotations: number;
  resumes: number;
  maxStreamGapMs: number;
}

export interface SessionDetails extends SessionView {
  events: StoredEvent[];
  idempotencyKeys: string[];
}

export function viewOf(s: SimSession): SessionView {
  return {
    id: s.id,
    customerId: s.customerId,
    visitorName: s.visitorName,
    routing: s.routing,
    createdAt: s.createdAt,
    agentName: s.agent?.name,
    customerMessages: s.customerMessages.map((m) => m.text),
    duplicateMessagesIgnored: s.duplicateMessagesIgnored,
    customerTyping: s.customerTyping,
    openStreams: s.streams.size,
    streamsOpened: s.streamsOpened,
    maxConcurrentStreams: s.maxConcurrentStreams,
    lastEventId: s.lastEventId,
    ended: s.ended,
    endReason: s.endReason,
    expired: s.expired,
    tokenRotations: s.rotations,
    resumes: s.resumes,
    maxStreamGapMs: s.maxStreamGapMs,
  };
}

export function detailsOf(s: SimSession): SessionDetails {
  return {
    ...viewOf(s),
    events: s.events.map((e) => ({ ...e })),
    idempotencyKeys: s.customerMessages.map((m) => m.idempotencyKey),
  };
}
