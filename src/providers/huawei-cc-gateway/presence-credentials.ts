// What the session records for one signed-in agent (its credentials) and where it has read to (its
// cursor). Opaque JSON to everything outside this folder.
import type { JsonObject } from '../chat-provider';
import type { AgentStateName } from './to-bridge-event';

export interface PresenceCredentials extends JsonObject {
  agentId: string;
  /** The GUID the session recorded: the sign-in's, or a rotation a handover recorded. */
  guid: string;
  mode: 'push' | 'poll';
  /** Push mode: the secret the gateway sends back with every push (`service_token`). */
  serviceToken?: string;
  skills: 'all' | string[];
  /** Counts this presence's sign-ins: 1 for the first, +1 for each healed sign-out. */
  signIn: number;
  forced: boolean;
  /** Why the agent was signed in again (the sign-out that was healed). */
  healedFrom?: string;
  forceLogin: boolean;
  reSignIn: 'always' | 'never' | 'outsideCalls';
  /** Set by the connection that found the agent signed out: the handover's reconnect heals it. */
  signedOut?: string;
  /** Kept for a re-sign-in; the payload codec encrypts it with the rest of the session's state. */
  signInBody: JsonObject;
}

export interface PresenceCursor extends JsonObject {
  /** The sign-in whose `agentSignedIn` the caller has been told of. */
  announced: number;
  /** Push batches the session recorded (a push is answered once its batch is recorded). */
  pushSeq: number;
  /** The agent's state as of the last recorded event. */
  lastState: AgentStateName | null;
  /** Keys of the last pushed events recorded: a push repeated to another worker is dropped. */
  recentKeys: string[];
}

export const initialCursor: PresenceCursor = { announced: 0, pushSeq: 0, lastState: null, recentKeys: [] };

export function readCursor(cursor: JsonObject): PresenceCursor {
  return {
    announced: typeof cursor.announced === 'number' ? cursor.announced : 0,
    pushSeq: typeof cursor.pushSeq === 'number' ? cursor.pushSeq : 0,
    lastState: typeof cursor.lastState === 'string' ? (cursor.lastState as AgentStateName) : null,
    recentKeys: Array.isArray(cursor.recentKeys)
      ? cursor.recentKeys.filter((k) => typeof k === 'string')
      : [],
  };
}

/** One sign-in of one agent: a GUID learned under an earlier sign-in never applies to a later one. */
export function signInKey(credentials: PresenceCredentials): string {
  return `${credentials.agentId}#${credentials.signIn}`;
}
