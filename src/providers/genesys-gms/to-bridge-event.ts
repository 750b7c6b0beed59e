// GMS transcript items in our event vocabulary (docs/protocols/genesys-gms.md §3, §7). The transcript
// holds everyone's items, the customer's own included: those are echoes of what the bridge sent and are
// not events for the channel. An item of a type we do not map passes through as `unknown`, never dropped.
// GMS has no transfer item: an agent who leaves while another stays is a transfer to that one, so the
// reader keeps who is in the chat (the connection carries it in the cursor, recorded with each batch).
import type { BridgeEvent } from '../../shared/events';
import type { GmsMessage } from './wire-schemas';

/** Participant types that speak for the contact center (a bot counts: it answers like an agent). */
const agentSide = new Set(['Agent', 'Supervisor', 'External']);
/** Participant types whose joining and leaving the channel hears of as the agent's. */
const agents = new Set(['Agent', 'External']);

export class TranscriptReader {
  /** Agents in the chat, by participant id, in the order they joined. */
  private readonly present: Map<string, string>;

  /** `agents`: who was in the chat before these items, as [participant id, nickname]. */
  constructor(agents: ReadonlyArray<readonly [string, string]> = []) {
    this.present = new Map(agents);
  }

  /** Who is in the chat after the items read so far. */
  agents(): Array<[string, string]> {
    return [...this.present.entries()];
  }

  read(messages: readonly GmsMessage[], chatEnded: boolean): BridgeEvent[] {
    const events: BridgeEvent[] = [];
    for (const m of messages) {
      const event = this.toEvent(m);
      this.track(m);
      if (event) events.push(event);
    }
    if (chatEnded) events.push({ kind: 'chatEnded', reason: 'agent' });
    return events;
  }

  private track(m: GmsMessage): void {
    const from = m.from;
    if (!from || !agents.has(from.type ?? '')) return;
    const id = String(from.participantId ?? from.nickname ?? '');
    if (m.type === 'ParticipantJoined') this.present.set(id, from.nickname ?? '');
    if (m.type === 'ParticipantLeft') this.present.delete(id);
  }

  private toEvent(m: GmsMessage): BridgeEvent | null {
    const fromType = m.from?.type;
    const name = m.from?.nickname;
    // The customer's side: our own messages, typing, joins and files come back in the transcript.
    if (fromType === 'Client') return null;
    const fromAgentSide = fromType !== undefined && agentSide.has(fromType);
    switch (m.type) {
      case 'Message':
        if (!fromAgentSide) break;
        return name
          ? { kind: 'messageReceived', text: m.text ?? '', agentName: name }
          : { kind: 'messageReceived', text: m.text ?? '' };
      case 'ParticipantJoined':
        if (!agents.has(fromType ?? '')) break;
        return {
          kind: 'agentConnected',
          agentName: name ?? '',
          ...(m.from?.participantId !== undefined ? { agentId: String(m.from.participantId) } : {}),
        };
      case 'ParticipantLeft': {
        if (!agents.has(fromType ?? '')) break;
        const leaving = String(m.from?.participantId ?? name ?? '');
        const next = [...this.present.entries()].filter(([id]) => id !== leaving).at(-1);
        if (!next) return { kind: 'agentDisconnected' };
        return { kind: 'transferred', agentName: next[1], agentId: next[0] };
      }
      case 'TypingStarted':
        if (fromAgentSide) return { kind: 'agentTyping' };
        break;
      case 'TypingStopped':
        if (fromAgentSide) return { kind: 'agentNotTyping' };
        break;
      case 'CustomNotice':
      case 'Notice':
        return { kind: 'customEvent', type: m.type, data: m.text ?? '' };
      case 'PushUrl':
        return { kind: 'customEvent', type: 'PushUrl', data: m.text ?? '' };
      case 'FileUploaded': {
        if (!fromAgentSide) break;
        const file = fileOf(m);
        if (!file) break;
        return { kind: 'fileShared', ...file, ...(name ? { agentName: name } : {}) };
      }
      case 'FileDeleted':
        return { kind: 'customEvent', type: 'FileDeleted', data: String(fileOf(m)?.fileId ?? m.text ?? '') };
    }
    return { kind: 'unknown', vendorType: m.type, raw: m };
  }
}

/**
 * The file a FileUploaded item names. Its userData keys are not documented [G]: `file-id`, `file-name`,
 * `file-size`, `file-type`, the shape the simulator uses and the docs' sample suggests.
 */
function fileOf(
  m: GmsMessage,
): { fileId: string; fileName: string; fileSize?: number; contentType?: string } | null {
  const data = (m.userData ?? {}) as Record<string, unknown>;
  const id = data['file-id'];
  if (typeof id !== 'string' && typeof id !== 'number') return null;
  const name = data['file-name'];
  const size = Number(data['file-size']);
  const type = data['file-type'];
  return {
    fileId: String(id),
    fileName: typeof name === 'string' ? name : String(id),
    ...(Number.isFinite(size) ? { fileSize: size } : {}),
    ...(typeof type === 'string' ? { contentType: type } : {}),
  };
}

/** Maps items with no earlier context (a reader of its own). */
export function toBridgeEvents(messages: readonly GmsMessage[], chatEnded: boolean): BridgeEvent[] {
  return new TranscriptReader().read(messages, chatEnded);
}
