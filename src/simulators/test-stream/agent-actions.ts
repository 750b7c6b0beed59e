// The agent side: each action appends one event to a live session (and so writes it to the open
// stream). Each returns the event's id. Actions on an unknown, ended or expired session are refused.
import { SimulatorControlError } from '../shared/control-error';
import type { SimSession } from './sim-session';
import type { SimulatorCore } from './simulator-core';

export interface AgentIdentity {
  agentName: string;
  /** Generated when not given. */
  agentId?: string;
}

let agentCounter = 0;

export function liveSession(core: SimulatorCore, sessionId: string): SimSession {
  const session = core.store.byId(sessionId);
  if (!session) throw new SimulatorControlError(404, `No session ${sessionId}`);
  core.checkExpiry(session);
  if (session.ended || session.gone) {
    throw new SimulatorControlError(409, `Session ${sessionId} is over (${session.endReason ?? 'gone'})`);
  }
  return session;
}

export function accept(core: SimulatorCore, sessionId: string, identity: AgentIdentity): number {
  const session = liveSession(core, sessionId);
  const agentId = identity.agentId ?? `agent-${++agentCounter}`;
  session.agent = { name: identity.agentName, id: agentId };
  return core.append(session, 'agentJoined', { agentName: identity.agentName, agentId }).id;
}

export function queueUpdate(
  core: SimulatorCore,
  sessionId: string,
  position: number,
  estimatedWaitSeconds?: number,
): number {
  const data = estimatedWaitSeconds === undefined ? { position } : { position, estimatedWaitSeconds };
  return core.append(liveSession(core, sessionId), 'queue', data).id;
}

export function sendAgentMessage(core: SimulatorCore, sessionId: string, text: string): number {
  const session = liveSession(core, sessionId);
  const data = session.agent ? { text, agentName: session.agent.name } : { text };
  return core.append(session, 'message', data).id;
}

export function typing(core: SimulatorCore, sessionId: string, on: boolean): number {
  return core.append(liveSession(core, sessionId), on ? 'typing' : 'typingStopped', {}).id;
}

export function agentLeft(core: SimulatorCore, sessionId: string): number {
  const session = liveSession(core, sessionId);
  session.agent = undefined;
  return core.append(session, 'agentLeft', {}).id;
}

export function endChat(core: SimulatorCore, sessionId: string, reason = 'agent'): number {
  const session = liveSession(core, sessionId);
  core.endSession(session, reason);
  return session.endedEventId!;
}

/** Any event, e.g. a type no client knows yet. */
export function pushRawEvent(core: SimulatorCore, sessionId: string, type: string, data: unknown): number {
  if (!/^[A-Za-z][\w-]*$/.test(type) || type === 'goaway') {
    throw new SimulatorControlError(400, `Not an event type this simulator sends: ${type}`);
  }
  return core.append(liveSession(core, sessionId), type, data).id;
}

/** goaway + close; returns the new token (the old one now gets 401 token_rotated). */
export function rotateToken(core: SimulatorCore, sessionId: string, reason = 'rotation'): string {
  return core.rotateToken(liveSession(core, sessionId), reason);
}
