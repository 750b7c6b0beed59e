// GMS transcript items in our event vocabulary (docs/protocols/genesys-gms.md §3, §7). The transcript
// holds everyone's items, the customer's own included: those are echoes of what the bridge sent and are
// not events for the channel. An item of a type we do not map passes through as `unknown`, never dropped.
import type { BridgeEvent } from '../../shared/events';
import type { GmsMessage } from './wire-schemas';

/** Participant types that speak for the contact center (a bot counts: it answers like an agent). */
const agentSide = new Set(['Agent', 'Supervisor', 'External']);

export function toBridgeEvents(messages: readonly GmsMessage[], chatEnded: boolean): BridgeEvent[] {
  const events: BridgeEvent[] = [];
  for (const m of messages) {
    const event = toBridgeEvent(m);
    if (event) events.push(event);
  }
  if (chatEnded) events.push({ kind: 'chatEnded', reason: 'agent' });
  return events;
}

export function toBridgeEvent(m: GmsMessage): BridgeEvent | null {
  const fromType = m.from?.type;
  const name = m.from?.nickname;
  // The customer's side: our own messages, typing and joins come back in the transcript.
  if (fromType === 'Client') return null;
  const fromAgentSide = fromType !== undefined && agentSide.has(fromType);
  switch (m.type) {
    case 'Message':
      if (!fromAgentSide) break;
      return name
        ? { kind: 'messageReceived', text: m.text ?? '', agentName: name }
        : { kind: 'messageReceived', text: m.text ?? '' };
    case 'ParticipantJoined':
      if (fromType !== 'Agent' && fromType !== 'External') break;
      return {
        kind: 'agentConnected',
        agentName: name ?? '',
        ...(m.from?.participantId !== undefined ? { agentId: String(m.from.participantId) } : {}),
      };
    case 'ParticipantLeft':
      if (fromType !== 'Agent' && fromType !== 'External') break;
      return { kind: 'agentDisconnected' };
    case 'TypingStarted':
      if (fromAgentSide) return { kind: 'agentTyping' };
      break;
    case 'TypingStopped':
      if (fromAgentSide) return { kind: 'agentNotTyping' };
      break;
    case 'CustomNotice':
      return { kind: 'customEvent', type: 'CustomNotice', data: m.text ?? '' };
  }
  return { kind: 'unknown', vendorType: m.type, raw: m };
}
