// The verdict, from each end's own records rather than the bridge's: what the agent sent (harness)
// against what the channel webhook received, and what the customer sent (harness) against what the
// vendor accepted (simulator). A retry under the same idempotency key is fine; one message under two
// keys is a duplicate; a message one end never saw is lost; a different order is out of order.
import type { ChasitorMessageRecord } from '../src/simulators/salesforce-live-agent/sim-session';
import type { WebhookEvent } from '../src/shared/webhook-body';
import type { Delivery } from './chaos-webhook';
import type { SessionRecord } from './session-record';

export interface SessionAudit {
  lost: number;
  duplicated: number;
  outOfOrder: number;
  /** Distinct messages that made it across, both directions. */
  relayed: number;
  problems: string[];
}

export function auditSession(
  record: SessionRecord,
  deliveries: Delivery[],
  vendorMessages: ChasitorMessageRecord[],
  /** Keys the webhook refused for good: redriven dead letters arrive after later events, by design. */
  refusedKeys: ReadonlySet<string> = new Set(),
): SessionAudit {
  const audit: SessionAudit = { lost: 0, duplicated: 0, outOfOrder: 0, relayed: 0, problems: [] };
  const events = firstDeliveries(deliveries, audit, refusedKeys);
  auditAgentSide(record, events, audit, refusedKeys);
  auditCustomerSide(record, vendorMessages, audit);
  return audit;
}

/** First delivery of each key, in arrival order; checks keys are stable and never reused. */
function firstDeliveries(
  deliveries: Delivery[],
  audit: SessionAudit,
  refusedKeys: ReadonlySet<string>,
): WebhookEvent[] {
  const byKey = new Map<string, WebhookEvent>();
  const keyOfIndex = new Map<number, string>();
  const firsts: WebhookEvent[] = [];
  for (const d of deliveries) {
    const event = d.body.event;
    if (event.id !== d.key)
      audit.problems.push(`idempotency-key header ${d.key} differs from event id ${event.id}`);
    const seen = byKey.get(d.key);
    if (seen) {
      // A retry: it must carry exactly the same event (a channel's idempotency layer may compare bodies).
      if (JSON.stringify(seen) !== JSON.stringify(event)) {
        audit.duplicated += 1;
        const differs = Object.keys({ ...seen, ...event }).filter(
          (k) =>
            JSON.stringify((seen as unknown as Record<string, unknown>)[k]) !==
            JSON.stringify((event as unknown as Record<string, unknown>)[k]),
        );
        const what = `reused for a different event (${differs.join(', ')} differ)`;
        audit.problems.push(`key ${d.key} ${what}: ${JSON.stringify(seen)} vs ${JSON.stringify(event)}`);
      }
      continue;
    }
    byKey.set(d.key, event);
    const other = keyOfIndex.get(event.index);
    if (other !== undefined) {
      audit.duplicated += 1;
      audit.problems.push(`event index ${event.index} delivered under two keys: ${other} and ${d.key}`);
    }
    keyOfIndex.set(event.index, d.key);
    firsts.push(event);
  }
  let highest = -1;
  for (const e of firsts) {
    if (refusedKeys.has(e.id)) continue;
    if (e.index < highest) {
      audit.outOfOrder += 1;
      audit.problems.push(`event ${e.index} (${e.event.kind}) arrived after event ${highest}`);
    }
    highest = Math.max(highest, e.index);
  }
  return [...firsts].sort((a, b) => a.index - b.index);
}

function auditAgentSide(
  record: SessionRecord,
  events: WebhookEvent[],
  audit: SessionAudit,
  refusedKeys: ReadonlySet<string>,
): void {
  const texts = events.flatMap((e) => (e.event.kind === 'messageReceived' ? [e.event.text] : []));
  const inOrder = events.flatMap((e) =>
    e.event.kind === 'messageReceived' && !refusedKeys.has(e.id) ? [e.event.text] : [],
  );
  const refusedTexts = new Set(
    events.flatMap((e) =>
      e.event.kind === 'messageReceived' && refusedKeys.has(e.id) ? [e.event.text] : [],
    ),
  );
  const sent = new Set(record.agentSent);
  const delivered = new Set(texts);
  const extra = texts.length - delivered.size;
  if (extra > 0) {
    audit.duplicated += extra;
    audit.problems.push(
      `${extra} agent message(s) delivered under a second key: ${repeated(texts).join(' | ')}`,
    );
  }
  const foreign = [...delivered].filter((t) => !sent.has(t));
  if (foreign.length > 0) {
    audit.duplicated += foreign.length;
    audit.problems.push(`delivered agent text(s) this session never sent: ${foreign.join(' | ')}`);
  }
  const missing = record.agentSent.filter((t) => !delivered.has(t));
  if (missing.length > 0) {
    audit.lost += missing.length;
    audit.problems.push(`agent message(s) never delivered: ${missing.join(' | ')}`);
  }
  if (
    !sameOrder(
      record.agentSent.filter((t) => !refusedTexts.has(t)),
      dedupe(inOrder),
    )
  ) {
    audit.outOfOrder += 1;
    audit.problems.push(`agent messages delivered out of order: ${dedupe(inOrder).join(' | ')}`);
  }
  // Other events (agentConnected, reconnected, chatEnded) are lost if their index never arrived.
  const indexes = new Set(events.map((e) => e.index));
  const top = events.at(-1)?.index ?? -1;
  const gaps = Array.from({ length: top + 1 }, (_, i) => i).filter((i) => !indexes.has(i));
  if (gaps.length > 0) {
    audit.lost += Math.max(0, gaps.length - missing.length);
    audit.problems.push(`event index gap(s) at ${gaps.join(', ')}`);
  }
  const last = events.at(-1)?.event;
  if (last?.kind !== 'chatEnded') {
    audit.lost += 1;
    audit.problems.push(`no chatEnded delivered (last event: ${last ? JSON.stringify(last) : 'none'})`);
  } else if (last.reason !== 'agent') {
    audit.problems.push(`chat ended with reason '${last.reason}'${last.detail ? `: ${last.detail}` : ''}`);
  }
  audit.relayed += delivered.size;
}

function auditCustomerSide(
  record: SessionRecord,
  vendorMessages: ChasitorMessageRecord[],
  audit: SessionAudit,
): void {
  const texts = vendorMessages.map((m) => m.text);
  const accepted = new Set(texts);
  const extra = texts.length - accepted.size;
  if (extra > 0) {
    audit.duplicated += extra;
    const detail = repeated(texts).map(
      (t) =>
        `${t} (sequences ${vendorMessages
          .filter((m) => m.text === t)
          .map((m) => m.sequence)
          .join(', ')})`,
    );
    audit.problems.push(`${extra} customer message(s) accepted by the vendor twice: ${detail.join(' | ')}`);
  }
  const sentTexts = record.customerSent.map((m) => m.text);
  const foreign = [...accepted].filter((t) => !sentTexts.includes(t));
  if (foreign.length > 0) {
    audit.duplicated += foreign.length;
    audit.problems.push(`vendor holds customer text(s) this session never sent: ${foreign.join(' | ')}`);
  }
  for (const m of record.customerSent) {
    if (accepted.has(m.text)) continue;
    audit.lost += 1;
    audit.problems.push(
      `customer message '${m.text}' not at the vendor (send ${m.status} after ${m.attempts} attempt(s)${m.lastError ? `; last error ${m.lastError}` : ''})`,
    );
  }
  const refusedButAccepted = record.customerSent.filter(
    (m) => m.status === 'refused' && accepted.has(m.text),
  );
  for (const m of refusedButAccepted) {
    audit.problems.push(
      `customer message '${m.text}' was refused to the caller (${m.lastError}) yet the vendor holds it`,
    );
  }
  if (!sameOrder(sentTexts, dedupe(texts))) {
    audit.outOfOrder += 1;
    audit.problems.push(`customer messages accepted out of order: ${dedupe(texts).join(' | ')}`);
  }
  audit.relayed += accepted.size;
}

/** Texts both lists hold appear in the same relative order. */
function sameOrder(sent: string[], received: string[]): boolean {
  const inReceived = new Set(received);
  const inSent = new Set(sent);
  const a = sent.filter((t) => inReceived.has(t));
  const b = received.filter((t) => inSent.has(t));
  return a.length === b.length && a.every((t, i) => b[i] === t);
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

function repeated(list: string[]): string[] {
  const seen = new Set<string>();
  return dedupe(list.filter((t) => (seen.has(t) ? true : (seen.add(t), false))));
}
