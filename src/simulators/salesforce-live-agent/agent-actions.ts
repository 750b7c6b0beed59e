// What a human agent (or the scripted auto-accept agent) can do to a chat. Each action queues the
// message(s) the real server would send the visitor and returns their server numbers.
import type {
  AgentDisconnectBody,
  AgentTypingBody,
  ChatEndedBody,
  SensitiveDataRulesBody,
  ChatMessageBody,
  ChatRequestFailBody,
  CustomEventBody,
  QueueUpdateBody,
  TransferToButtonInitiatedBody,
} from '../../providers/salesforce-live-agent/wire-schemas';
import { SimulatorControlError } from '../shared/control-error';
import { newRecordId } from './ids';
import { chatEstablished, chatTransferred, fileTransferRequested } from './message-builders';
import type { AgentInfo, SimSession } from './sim-session';
import type { SimulatorCore } from './simulator-core';

export interface AgentIdentity {
  agentName: string;
  /** A 005… user id; generated when omitted. */
  agentId?: string;
}

/** The session, if an agent may still act on it. */
export function liveSession(core: SimulatorCore, sessionId: string): SimSession {
  const session = core.store.byId(sessionId);
  if (!session) throw new SimulatorControlError(404, `No session ${sessionId}`);
  core.checkExpiry(session);
  if (session.closed || session.chatOver) {
    throw new SimulatorControlError(409, `Chat ${sessionId} is over (${session.endReason ?? 'closed'})`);
  }
  if (!session.initialized) throw new SimulatorControlError(409, `Chat ${sessionId} has no ChasitorInit yet`);
  return session;
}

function withAgent(core: SimulatorCore, sessionId: string): { session: SimSession; agent: AgentInfo } {
  const session = liveSession(core, sessionId);
  if (!session.agent) throw new SimulatorControlError(409, `No agent has accepted chat ${sessionId}`);
  return { session, agent: session.agent };
}

function queue(core: SimulatorCore, session: SimSession, type: string, message: unknown): number {
  const number = session.enqueue(type, message);
  core.counters.agentMessagesQueued += 1;
  session.agentMessagesQueued += 1;
  core.emit('agentMessage', session.id, type, number);
  return number;
}

const agentOf = (identity: AgentIdentity): AgentInfo => ({
  name: identity.agentName,
  id: identity.agentId ?? newRecordId('005'),
});

export function accept(core: SimulatorCore, sessionId: string, identity: AgentIdentity): number {
  const session = liveSession(core, sessionId);
  if (session.agent) throw new SimulatorControlError(409, `Chat ${sessionId} was already accepted`);
  session.agent = agentOf(identity);
  session.queuePosition = 0;
  return queue(core, session, 'ChatEstablished', chatEstablished(session.agent));
}

export function sendAgentMessage(core: SimulatorCore, sessionId: string, text: string): number {
  const { session, agent } = withAgent(core, sessionId);
  session.addTranscript('Agent', agent.name, text, core.now());
  const body: ChatMessageBody = { name: agent.name, text, agentId: agent.id };
  return queue(core, session, 'ChatMessage', body);
}

export function typing(core: SimulatorCore, sessionId: string, on: boolean): number {
  const { session } = withAgent(core, sessionId);
  const body: AgentTypingBody = {};
  return queue(core, session, on ? 'AgentTyping' : 'AgentNotTyping', body);
}

/** Transfer to a queue, then a new agent picks the chat up. */
export function transfer(core: SimulatorCore, sessionId: string, identity: AgentIdentity): number[] {
  const { session } = withAgent(core, sessionId);
  const initiated: TransferToButtonInitiatedBody = {};
  const first = queue(core, session, 'TransferToButtonInitiated', initiated);
  session.agent = agentOf(identity);
  session.addTranscript('OperatorTransferred', session.agent.name, '', core.now());
  return [first, queue(core, session, 'ChatTransferred', chatTransferred(session.agent))];
}

/** QueueUpdate goes only to visitors that asked for it with `receiveQueueUpdates` (§1.7). */
export function queueUpdate(
  core: SimulatorCore,
  sessionId: string,
  position: number,
  estimatedWaitTime?: number,
): number | undefined {
  const session = liveSession(core, sessionId);
  session.queuePosition = position;
  if (session.init?.receiveQueueUpdates !== true) return undefined;
  const body: QueueUpdateBody = {
    position,
    ...(estimatedWaitTime === undefined ? {} : { estimatedWaitTime }),
  };
  return queue(core, session, 'QueueUpdate', body);
}

export function customEvent(core: SimulatorCore, sessionId: string, type: string, data: string): number {
  const session = liveSession(core, sessionId);
  const body: CustomEventBody = { type, data };
  return queue(core, session, 'CustomEvent', body);
}

export function fileTransferRequest(core: SimulatorCore, sessionId: string): number {
  const { session } = withAgent(core, sessionId);
  return queue(core, session, 'FileTransfer', fileTransferRequested(core.origin));
}

/** The agent lost connection; the chat stays open for another agent. */
export function disconnectAgent(core: SimulatorCore, sessionId: string): number {
  const { session } = withAgent(core, sessionId);
  session.agent = undefined;
  const body: AgentDisconnectBody = {};
  return queue(core, session, 'AgentDisconnect', body);
}

export function endChat(
  core: SimulatorCore,
  sessionId: string,
  options: { attachedRecords?: ChatEndedBody['attachedRecords'] } = {},
): number {
  const session = liveSession(core, sessionId);
  // With post-chat enabled the org attaches records (§1.7): `{fieldName, fieldValue}` objects.
  const body: ChatEndedBody = {
    reason: 'agent',
    ...(options.attachedRecords !== undefined ? { attachedRecords: options.attachedRecords } : {}),
  };
  core.counters.agentMessagesQueued += 1;
  session.agentMessagesQueued += 1;
  return core.endWithFinalMessage(session, 'agent', 'ChatEnded', body);
}

/** No agent will take the chat (e.g. `Unavailable`); final, like ChatEnded. */
export function failRequest(core: SimulatorCore, sessionId: string, reason = 'Unavailable'): number {
  const session = liveSession(core, sessionId);
  const body: ChatRequestFailBody = { reason, postChatUrl: '' };
  core.counters.agentMessagesQueued += 1;
  session.agentMessagesQueued += 1;
  return core.endWithFinalMessage(session, 'requestFailed', 'ChatRequestFail', body);
}

/**
 * SensitiveDataRules: the org's masking rules, under the documented key `sensitiveDataRules` (§1.7).
 */
export function sensitiveDataRules(
  core: SimulatorCore,
  sessionId: string,
  rules: NonNullable<SensitiveDataRulesBody['sensitiveDataRules']>,
): number {
  const body: SensitiveDataRulesBody = { sensitiveDataRules: rules };
  return queue(core, liveSession(core, sessionId), 'SensitiveDataRules', body);
}

/** Any message, known type or not, for testing how a client copes with what it has never seen. */
export function pushRawMessage(
  core: SimulatorCore,
  sessionId: string,
  type: string,
  message: unknown,
): number {
  return queue(core, liveSession(core, sessionId), type, message);
}
