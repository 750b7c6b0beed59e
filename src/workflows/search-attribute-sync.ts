// Keeps the search attributes and the UI's current details in step with the session, upserting only
// what changed (each upsert is a history event).
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { patched } from '@temporalio/workflow';
import {
  agentIdKey,
  agentNameKey,
  agentSkillsKey,
  agentStateKey,
  customerIdKey,
  deadLettersKey,
  providerKey,
  queuePositionKey,
  sessionStatusKey,
  vendorSessionIdKey,
} from '../shared/search-attributes';
import type { SessionCore } from './session-core';

const vendorSessionIdAttribute = 'vendor-session-id-search-attribute';

export class SearchAttributeSync {
  private last = new Map<string, string | number | null>();
  private lastDetails = '';

  constructor(
    private readonly core: SessionCore,
    private readonly upsert: (pairs: SearchAttributeUpdatePair[]) => void,
    private readonly setDetails: (details: string) => void,
  ) {}

  sync(): void {
    const s = this.core.state;
    const wanted: Array<[SearchAttributeUpdatePair['key'], string | number | null]> = [
      [providerKey, s.provider],
      [customerIdKey, s.customerId],
      [sessionStatusKey, s.status],
      [agentNameKey, s.agent?.name || null],
      [queuePositionKey, s.queuePosition],
    ];
    // Only once a dead letter exists: a session that never had one never names the attribute (so a
    // namespace that has not registered it yet runs every other session as before).
    if (s.deadLettersTotal) wanted.push([deadLettersKey, s.deadLetters?.length ?? 0]);
    // Histories from before the attribute existed upserted without it; they replay that way.
    if (s.vendorSessionId && s.tuning.searchAttributes && patched(vendorSessionIdAttribute)) {
      wanted.push([vendorSessionIdKey, s.vendorSessionId]);
    }
    // Only for an agent presence: chats never name these (nor did any history from before them).
    if (s.presence) {
      wanted.push([agentIdKey, s.presence.agentId]);
      wanted.push([agentStateKey, s.presence.state]);
      wanted.push([agentSkillsKey, s.presence.skills.join(',')]);
    }
    const changed: SearchAttributeUpdatePair[] = [];
    for (const [key, value] of wanted) {
      if (this.last.has(key.name) && this.last.get(key.name) === value) continue;
      this.last.set(key.name, value);
      changed.push({ key, value } as SearchAttributeUpdatePair);
    }
    if (changed.length > 0 && s.tuning.searchAttributes) this.upsert(changed.map(listValued));
    const details = [
      s.presence
        ? `**${s.status}**: agent ${s.presence.agentId} ${s.presence.state ?? ''} (${s.presence.mode} mode, sign-ins ${s.presence.signIns}, sign-outs ${s.presence.signOuts})`
        : `**${s.status}** with ${s.agent?.name ?? 'no agent yet'}`,
      s.vendorSessionId ? `vendor session: ${s.vendorSessionId}` : null,
      s.queuePosition !== null ? `queue position ${s.queuePosition}` : null,
      `handovers: ${s.handovers}${s.lastHandoverAt ? ` (last ${s.lastHandoverAt})` : ''}`,
      `events: ${s.nextEventIndex}, delivered through #${s.deliveredThrough}, outbox: ${s.outbox.length}`,
    ]
      .filter(Boolean)
      .join('\n\n');
    if (details !== this.lastDetails) {
      this.lastDetails = details;
      this.setDetails(details);
    }
  }
}

/** The skills are compared as one string and upserted as the keyword list they are. */
function listValued(pair: SearchAttributeUpdatePair): SearchAttributeUpdatePair {
  if (pair.key.name !== agentSkillsKey.name || typeof pair.value !== 'string') return pair;
  return { key: agentSkillsKey, value: pair.value.split(',') };
}
