// The audit of one agent presence after the soak: every event the gateway issued reached the webhook
// once and in order, and every sign-out the gateway made was healed. Pure: the gateway's record and the
// webhook's deliveries in, counts and problems out.
import type { WebhookBody } from '../../src/activities';

export interface PresenceAudit {
  issued: number;
  relayed: number;
  lost: number;
  duplicated: number;
  /** Event indexes missing between delivered ones (a gap the webhook never saw filled). */
  outOfOrder: number;
  /** Sign-outs the gateway made (failover, inspector, silence). */
  gatewaySignOuts: number;
  healed: number;
  problems: string[];
}

/** Reason 258: the agent's own sign-out, which ends the presence (its ShutdownService is not relayed). */
const selfSignOut = 258;

export function auditPresence(
  issued: ReadonlyArray<{ eventType: string }>,
  signOutReasons: number[],
  deliveries: Array<{ key: string; body: WebhookBody }>,
): PresenceAudit {
  const problems: string[] = [];
  const expected = issued.map((e) => e.eventType);

  const byIndex = new Map<number, { keys: Set<string>; bodies: Set<string>; body: WebhookBody }>();
  for (const d of deliveries) {
    const entry = byIndex.get(d.body.event.index) ?? { keys: new Set(), bodies: new Set(), body: d.body };
    entry.keys.add(d.key);
    entry.bodies.add(JSON.stringify(d.body));
    byIndex.set(d.body.event.index, entry);
  }
  let duplicated = 0;
  for (const [index, entry] of byIndex) {
    if (entry.keys.size > 1 || entry.bodies.size > 1) {
      duplicated += 1;
      problems.push(`event ${index} delivered under ${entry.keys.size} keys / ${entry.bodies.size} bodies`);
    }
  }
  const indexes = [...byIndex.keys()].sort((a, b) => a - b);
  const outOfOrder = indexes.filter((index, i) => index !== i).length;
  if (outOfOrder > 0) problems.push(`event indexes ${indexes.join(',')} are not 0…${indexes.length - 1}`);
  const events = indexes.map((i) => byIndex.get(i)!.body.event.event);
  const relayedTypes = events.flatMap((e) => (e.kind === 'agentEvent' ? [e.eventType] : []));
  // The ShutdownService of the caller's own sign-out is relayed if its push or poll reached the
  // presence before the sign-out's answer ended it, and not otherwise: either is complete.
  const ownSignOutLast =
    signOutReasons.at(-1) === selfSignOut && expected.at(-1) === 'AgentOther_ShutdownService';
  if (ownSignOutLast && relayedTypes.at(-1) !== 'AgentOther_ShutdownService') expected.pop();

  // Matched in order (longest common subsequence): what was issued and never relayed is lost, what was
  // relayed beyond it doubled.
  const matched = commonSubsequenceLength(expected, relayedTypes);
  const lost = expected.length - matched;
  duplicated += relayedTypes.length - matched;
  if (lost > 0 || relayedTypes.length !== matched) {
    problems.push(`issued [${expected.join(' ')}] but relayed [${relayedTypes.join(' ')}]`);
  }
  const gatewaySignOuts = signOutReasons.filter((r) => r !== selfSignOut).length;
  const healed = events.filter((e) => e.kind === 'agentSignedIn' && e.healed).length;
  if (healed !== gatewaySignOuts) {
    problems.push(`${gatewaySignOuts} sign-out(s) by the gateway, ${healed} healed sign-in(s) relayed`);
  }
  return {
    issued: expected.length,
    relayed: relayedTypes.length,
    lost,
    duplicated,
    outOfOrder,
    gatewaySignOuts,
    healed,
    problems,
  };
}

function commonSubsequenceLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    for (let j = 0; j < b.length; j += 1) {
      row.push(x === b[j] ? previous[j]! + 1 : Math.max(previous[j + 1]!, row[j]!));
    }
    previous = row;
  }
  return previous[b.length]!;
}
