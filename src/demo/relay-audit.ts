// Counts what was lost or doubled in each direction, from the two ends' own records: what the agent
// sent vs what the channel webhook received, and what the customer sent vs what the vendor accepted.
import type { WebhookReceiver } from '../webhooks/webhook-receiver';

export interface RelayAudit {
  agentToCustomer: number;
  customerToAgent: number;
  lost: number;
  duplicated: number;
  outOfOrder: number;
}

export function auditRelay(input: {
  agentSent: string[];
  webhook: WebhookReceiver;
  customerSent: string[];
  vendorAccepted: string[];
}): RelayAudit {
  const delivered = input.webhook
    .uniqueEvents()
    .flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));
  // The same event retried under its own key is fine; one message under two keys is a duplicate.
  const duplicated = excess(delivered) + excess(input.vendorAccepted);
  const lost =
    input.agentSent.filter((t) => !delivered.includes(t)).length +
    input.customerSent.filter((t) => !input.vendorAccepted.includes(t)).length;
  const outOfOrder =
    (sameOrder(input.agentSent, delivered) ? 0 : 1) +
    (sameOrder(input.customerSent, input.vendorAccepted) ? 0 : 1);
  return {
    agentToCustomer: new Set(delivered).size,
    customerToAgent: new Set(input.vendorAccepted).size,
    lost,
    duplicated,
    outOfOrder,
  };
}

function excess(list: string[]): number {
  return list.length - new Set(list).size;
}

function sameOrder(sent: string[], received: string[]): boolean {
  const firstSeen = [...new Set(received)];
  return sent
    .filter((t) => firstSeen.includes(t))
    .every((t, i) => firstSeen.filter((r) => sent.includes(r))[i] === t);
}
