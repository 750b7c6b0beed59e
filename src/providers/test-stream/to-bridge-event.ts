// test-stream event → the project's event vocabulary. Unknown types are kept as `unknown` events, never
// dropped (known types with broken data never get here: the stream reader refuses them as malformed).
import type { BridgeEvent } from '../../shared/events';
import type { WireStreamEvent } from './wire-schemas';

export function toBridgeEvent(event: WireStreamEvent): BridgeEvent {
  const known = event.known;
  if (!known) return { kind: 'unknown', vendorType: event.type, raw: event.data };
  switch (known.type) {
    case 'queue':
      return withOptional(
        { kind: 'queueUpdate', position: known.data.position },
        { estimatedWaitSeconds: known.data.estimatedWaitSeconds },
      );
    case 'agentJoined':
      return { kind: 'agentConnected', agentName: known.data.agentName, agentId: known.data.agentId };
    case 'message':
      return withOptional(
        { kind: 'messageReceived', text: known.data.text },
        { agentName: known.data.agentName },
      );
    case 'typing':
      return { kind: 'agentTyping' };
    case 'typingStopped':
      return { kind: 'agentNotTyping' };
    case 'agentLeft':
      return { kind: 'agentDisconnected' };
    case 'ended':
      // Kept verbatim (`client`, `agent`, `conflict`, ...): the session core reads it as the end reason.
      return { kind: 'chatEnded', reason: known.data.reason };
  }
}

/** Copies only the defined optional fields, so events stay minimal JSON. */
function withOptional<E extends BridgeEvent>(event: E, optional: Record<string, unknown>): E {
  const out: Record<string, unknown> = { ...event };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) out[k] = v;
  return out as E;
}
