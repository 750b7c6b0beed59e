// What the harness itself knows about one chat: what each side sent, so the audit can compare it
// with what the other end (the simulator, the webhook) recorded.
import { sessionWorkflowId, type BusinessKey } from '../src/client';

export interface CustomerMessage {
  clientMessageId: string;
  text: string;
  status: 'pending' | 'accepted' | 'refused';
  attempts: number;
  lastError?: string;
}

export interface SessionRecord {
  n: number;
  label: string;
  key: BusinessKey;
  workflowId: string;
  visitorName: string;
  vendorId: string | undefined;
  customerSent: CustomerMessage[];
  /** Agent texts the simulator queued, in order. */
  agentSent: string[];
  agentErrors: string[];
  /** Set for the sessions that continue-as-new early. */
  continueAsNewAfterEvents: number | undefined;
}

export function newSessionRecord(runId: string, n: number, continueAsNewAfterEvents?: number): SessionRecord {
  const label = `s${String(n).padStart(2, '0')}`;
  const key = { channel: 'chaos', customerId: `${runId}-${label}` };
  return {
    n,
    label,
    key,
    workflowId: sessionWorkflowId(key),
    visitorName: `Chaos visitor ${runId}-${label}`,
    vendorId: undefined,
    customerSent: [],
    agentSent: [],
    agentErrors: [],
    continueAsNewAfterEvents,
  };
}
