// Search attributes that operators query in the Web UI and with `temporal workflow list --query`.
// Defined once here: the workflow upserts them, the dev-server supervisor and the setup command register them.
import { defineSearchAttributeKey } from '@temporalio/common';

export const providerKey = defineSearchAttributeKey('ChatProvider', 'KEYWORD');
export const sessionStatusKey = defineSearchAttributeKey('ChatSessionStatus', 'KEYWORD');
export const agentNameKey = defineSearchAttributeKey('ChatAgentName', 'KEYWORD');
export const customerIdKey = defineSearchAttributeKey('ChatCustomerId', 'KEYWORD');
export const queuePositionKey = defineSearchAttributeKey('ChatQueuePosition', 'INT');
/** The chat's id at the vendor (Live Agent's session id): the same chat in the vendor's console. */
export const vendorSessionIdKey = defineSearchAttributeKey('ChatVendorSessionId', 'KEYWORD');
/** Events the channel's webhook did not take (refused for good, or past the delivery horizon). */
export const deadLettersKey = defineSearchAttributeKey('ChatDeadLetters', 'INT');

/** An agent presence's agent (Huawei workNo), its state (ready, talking, rest, signedOut …) and skills. */
export const agentIdKey = defineSearchAttributeKey('AgentId', 'KEYWORD');
export const agentStateKey = defineSearchAttributeKey('AgentState', 'KEYWORD');
export const agentSkillsKey = defineSearchAttributeKey('AgentSkills', 'KEYWORD_LIST');

/** Name → CLI type, for `temporal server start-dev --search-attribute` and `operator search-attribute create`. */
export const searchAttributeRegistrations: ReadonlyArray<{
  name: string;
  type: 'Keyword' | 'Int' | 'KeywordList';
}> = [
  { name: providerKey.name, type: 'Keyword' },
  { name: sessionStatusKey.name, type: 'Keyword' },
  { name: agentNameKey.name, type: 'Keyword' },
  { name: customerIdKey.name, type: 'Keyword' },
  { name: vendorSessionIdKey.name, type: 'Keyword' },
  { name: queuePositionKey.name, type: 'Int' },
  { name: deadLettersKey.name, type: 'Int' },
  { name: agentIdKey.name, type: 'Keyword' },
  { name: agentStateKey.name, type: 'Keyword' },
  { name: agentSkillsKey.name, type: 'KeywordList' },
];
