// "503 mid-send": the vendor applies a customer's ChatMessage, the answer never reaches the bridge
// (connection cut after handling), and the server fails over before the bridge retries. The retry
// then meets a 503, the handover resends the buffered message under a reset sequence, and only a
// bridge that reconciles with the vendor's transcript avoids sending it twice (DESIGN invariant 3).
import type { LiveAgentSimulator } from '../src/simulators/salesforce-live-agent/live-agent-simulator';

const PATH = 'Chasitor/ChatMessage';

/** Arms the trap once; `onFired` gets the vendor session and the message that was cut. */
export function armMidSendFailover(
  sim: LiveAgentSimulator,
  onFired: (vendorSessionId: string, text: string, sequence: number) => void,
): void {
  let cutPending = false;
  const onFault = (path: string, kind: string) => {
    if (kind === 'reset' && path.startsWith(PATH)) cutPending = true;
  };
  // Emitted while the cut request is handled: fail over at once, before the bridge can retry.
  const onMessage = (sessionId: string, text: string, sequence: number) => {
    if (!cutPending) return;
    sim.off('fault', onFault);
    sim.off('chasitorMessage', onMessage);
    sim.failover(sessionId);
    onFired(sessionId, text, sequence);
  };
  sim.on('fault', onFault);
  sim.on('chasitorMessage', onMessage);
  sim.injectFault({ kind: 'reset', phase: 'after', path: PATH, count: 1 });
}
