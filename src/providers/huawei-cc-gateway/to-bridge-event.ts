// A gateway agent event → our vocabulary (docs/protocols/huawei-cc-gateway.md §8): every event goes to
// the caller as `agentEvent` with its type and content as the gateway sent them, plus the agent state
// it implies, so a query and a search attribute can say "ready", "talking" or "rest" without the
// caller knowing the gateway's event names.
import type { AgentStateName, BridgeEvent } from '../../shared/events';
import type { AgentEvent } from './wire-schemas';

export type { AgentStateName };

const stateOf: Record<string, AgentStateName> = {
  AgentState_Ready: 'ready',
  AgentState_CancelNotReady_Success: 'ready',
  AgentState_CancelRest_Success: 'ready',
  AgentState_SetNotReady_Success: 'notReady',
  AgentState_SetRest_Success: 'rest',
  AgentState_Rest_Timeout: 'rest',
  AgentState_Work: 'wrapUp',
  AgentState_Busy: 'talking',
  AgentEvent_Ringing: 'ringing',
  AgentEvent_Talking: 'talking',
  AgentOther_ShutdownService: 'signedOut',
};

/** States in which the gateway refuses a sign-out and a re-sign-in would cut a customer off. */
export function isInCall(state: string | null | undefined): boolean {
  return state === 'talking' || state === 'ringing';
}

export function toBridgeEvent(event: AgentEvent): BridgeEvent {
  const state = stateOf[event.eventType];
  const genTime = Number(event.eventGenTime);
  return {
    kind: 'agentEvent',
    eventType: event.eventType,
    ...(state ? { state } : {}),
    ...(event.content !== undefined ? { content: event.content } : {}),
    ...(Number.isFinite(genTime) && event.eventGenTime !== undefined ? { genTime } : {}),
  };
}
