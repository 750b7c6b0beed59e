// The JSON body a channel webhook receives: one session event, signed (src/webhooks/signature.ts).
import type { SessionEvent } from './events';

export interface WebhookBody {
  /** The session's workflow id (`chat:<channel>:<customerId>`). */
  sessionId: string;
  customerId: string;
  event: SessionEvent;
}
