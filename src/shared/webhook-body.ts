// The JSON body a channel webhook receives: one session event, signed (src/webhooks/signature.ts).
import type { SessionEvent } from './events';

/**
 * The event as delivered: everything that names and describes it, and nothing that could differ between
 * two deliveries of it. (The time it was received is not here: a redelivery after a worker crash would
 * carry another one; the signature header's `t=` says when each request was sent.)
 */
export type WebhookEvent = Omit<SessionEvent, 'at'>;

export interface WebhookBody {
  /** The session's workflow id (`chat:<channel>:<customerId>`). */
  sessionId: string;
  customerId: string;
  /** The chat's id at the vendor (Live Agent's session id), to find it in the vendor's console. */
  vendorSessionId?: string;
  event: WebhookEvent;
}

export function webhookEventOf(event: SessionEvent): WebhookEvent {
  return { id: event.id, index: event.index, event: event.event };
}
