// Live Agent message → the project's event vocabulary. Unknown types (and known types whose body
// breaks its documented shape) are kept as `unknown` events, never dropped.
import type { BridgeEvent } from '../../shared/events';
import { messageBodySchemas, type KnownMessageType } from './wire-schemas';

export interface RawLiveAgentMessage {
  type: string;
  message?: unknown;
}

export function toBridgeEvent(raw: RawLiveAgentMessage): BridgeEvent {
  const unknownEvent: BridgeEvent = { kind: 'unknown', vendorType: raw.type, raw: raw.message ?? {} };
  if (!Object.hasOwn(messageBodySchemas, raw.type)) return unknownEvent;
  const type = raw.type as KnownMessageType;
  const parsed = messageBodySchemas[type].safeParse(raw.message ?? {});
  if (!parsed.success) {
    // A terminal message never degrades to `unknown`: whatever else its body holds, the chat is over
    // (otherwise the session would learn it only from a later 403, with the wrong reason).
    if (type === 'ChatEnded') return { kind: 'chatEnded', reason: 'agent' };
    if (type === 'ChatRequestFail') return { kind: 'chatEnded', reason: 'requestFailed' };
    return unknownEvent;
  }
  // Each branch reads only fields its schema guarantees or marks optional.
  const m = parsed.data as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  switch (type) {
    case 'ChatRequestSuccess':
      return withOptional(
        { kind: 'queueUpdate', position: num(m.queuePosition) ?? 0 },
        {
          estimatedWaitSeconds: num(m.estimatedWaitTime),
        },
      );
    case 'QueueUpdate':
      return withOptional(
        { kind: 'queueUpdate', position: num(m.position) ?? 0 },
        {
          estimatedWaitSeconds: num(m.estimatedWaitTime),
        },
      );
    case 'ChatRequestFail':
      return withOptional({ kind: 'chatEnded', reason: 'requestFailed' }, { detail: str(m.reason) });
    case 'ChatEstablished':
      return withOptional(
        { kind: 'agentConnected', agentName: str(m.name) ?? '' },
        { agentId: str(m.userId) },
      );
    case 'ChatMessage':
      return withOptional({ kind: 'messageReceived', text: str(m.text) ?? '' }, { agentName: str(m.name) });
    case 'AgentTyping':
      return { kind: 'agentTyping' };
    case 'AgentNotTyping':
      return { kind: 'agentNotTyping' };
    case 'AgentDisconnect':
      return { kind: 'agentDisconnected' };
    case 'ChatEnded':
      return { kind: 'chatEnded', reason: str(m.reason) ?? 'agent' };
    case 'ChatTransferred':
    case 'ChatResumedAfterTransfer':
      return withOptional({ kind: 'transferred' }, { agentName: str(m.name), agentId: str(m.userId) });
    case 'TransferToButtonInitiated':
      return { kind: 'transferred', toQueue: true };
    case 'CustomEvent':
      return { kind: 'customEvent', type: str(m.type) ?? '', data: str(m.data) ?? '' };
    case 'FileTransfer':
      return withOptional(
        { kind: 'fileTransferRequested', status: str(m.type) ?? 'Requested' },
        {
          uploadUrl: str(m.uploadServletUrl),
          fileToken: str(m.fileToken),
        },
      );
    case 'ChasitorSessionData': {
      // The transcript replay after a reconnect: state only. Messages we had not acked are sent
      // again by the server as ordinary messages, so replaying them here would duplicate them.
      // The count of the visitor's own messages tells the session whether an unanswered send arrived.
      const entries = Array.isArray(m.chatMessages)
        ? (m.chatMessages as Array<{ type?: unknown }>)
        : undefined;
      return withOptional(
        { kind: 'reconnected' },
        {
          transcriptEntries: entries?.length,
          customerMessages: entries?.filter((e) => e?.type === 'Chasitor').length,
        },
      );
    }
    default:
      return unknownEvent;
  }
}

/** Copies only the defined optional fields, so events stay minimal JSON. */
function withOptional<E extends BridgeEvent>(event: E, optional: Record<string, unknown>): E {
  const out: Record<string, unknown> = { ...event };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) out[k] = v;
  return out as E;
}
