// One agent as the strict CC-Gateway simulator keeps it (docs/protocols/huawei-cc-gateway.md §10): signed
// in or not, its GUID (and the previous one, accepted until its grace ends), poll or push mode, the last
// heartbeat (a poll or a handshake), a FIFO of events, its state. Pure rules over a clock the caller
// passes, so they unit-test without HTTP; gateway-simulator.ts serves them.
import { randomBytes } from 'node:crypto';
import { retcode } from '../../providers/huawei-cc-gateway/retcodes';
import type { AgentEvent, SignInBody } from '../../providers/huawei-cc-gateway/wire-schemas';

export interface GatewaySimSettings {
  /** How long a poll with nothing to return is held (AGENT_POLL_WAIT_TIMES × AGENT_POLL_WAIT_INTERVAL). */
  pollHoldMs: number;
  /** Silence (no poll, no handshake) after which the agent is signed out (MAXTIME). */
  heartbeatTimeoutMs: number;
  /** AUTHMODE 2: the GUID rotates this often (GUIDINTERVAL). */
  guidIntervalMs: number;
  /** AUTHMODE 2: how long a rotated-out GUID is still accepted (GUIDTIMEOUT) [G]. */
  guidGraceMs: number;
  authMode: 1 | 2;
  /** The heartbeat interval the gateway asks for in push mode (lateness is measured against it). */
  handshakeEveryMs: number;
}

export const defaultGatewaySettings: GatewaySimSettings = {
  pollHoldMs: 10_000,
  heartbeatTimeoutMs: 120_000,
  guidIntervalMs: 60_000,
  guidGraceMs: 120_000,
  authMode: 2,
  handshakeEveryMs: 30_000,
};

export type AgentState = 'ready' | 'busy' | 'work' | 'rest' | 'talking';

/** Sign-out reason codes of the operation bills (§8). */
export const signOutReason = {
  platform: 256,
  inspector: 257,
  self: 258,
  heartbeatTimeout: 260,
  elsewhere: 264,
} as const;

export class SimAgent {
  signedIn = false;
  guid: string | null = null;
  private previous: { guid: string; validUntil: number } | null = null;
  private guidIssuedAt = 0;
  mode: 'poll' | 'push' = 'poll';
  callBackUri: string | undefined;
  serviceToken: string | undefined;
  lastHeartbeatAt = 0;
  state: AgentState = 'ready';
  skills: string[] = [];
  readonly queue: AgentEvent[] = [];
  /** Every event ever issued, in order (what the caller must see once each). */
  readonly issued: AgentEvent[] = [];
  /** A sign-in or sign-out is being handled: the other is refused (000-007). */
  pending: 'signIn' | 'signOut' | null = null;
  /** A poll is held: a second one is a repeated invocation. */
  polling = false;
  /** Why and when the agent was last signed out, and every gap between two heartbeats. */
  signOuts: Array<{ at: number; reason: number }> = [];
  readonly heartbeatGapsMs: number[] = [];
  signIns = 0;
  /** Calls accepted on the rotated-out GUID during its grace (a client that had not switched yet). */
  previousGuidCalls = 0;
  /** Every GUID issued and the sign-in it belongs to, oldest first (to say how stale a refused one was). */
  readonly guidsIssued: Array<{ guid: string; signIn: number }> = [];
  /**
   * Calls refused for their GUID: when, which call, how many GUIDs behind the current one it was (-1:
   * never issued), and whether it belonged to the current sign-in (else to one signed out since).
   */
  readonly staleRefusals: Array<{ at: number; call: string; behind: number; sameSignIn: boolean }> = [];

  constructor(
    readonly workNo: string,
    private readonly password: string,
    private readonly settings: GatewaySimSettings,
  ) {}

  /** Sign-in (`force`: forcelogin). Returns the retcode; on success a new GUID is issued. */
  signIn(body: Partial<SignInBody>, now: number, force: boolean): string {
    if (this.pending) return retcode.repeatedInvocation;
    if (typeof body.password !== 'string' || typeof body.phonenum !== 'string' || body.phonenum === '') {
      return retcode.signInParameter;
    }
    if (body.password !== this.password) return retcode.wrongPassword;
    if (body.serviceToken !== undefined && !/^[A-Za-z0-9_-]{1,50}$/.test(body.serviceToken)) {
      return retcode.signInParameter;
    }
    if (this.signedIn && !force) return retcode.signedInElsewhere;
    if (this.signedIn) this.signOut(now, signOutReason.elsewhere);
    this.signedIn = true;
    this.signIns += 1;
    // Push mode only with both: with one of them the gateway silently polls.
    const push = Boolean(body.callBackUri && body.serviceToken);
    this.mode = push ? 'push' : 'poll';
    this.callBackUri = push ? body.callBackUri : undefined;
    this.serviceToken = push ? body.serviceToken : undefined;
    this.issueGuid(now);
    this.previous = null;
    this.lastHeartbeatAt = now;
    this.state = body.status === 3 ? 'busy' : body.status === 5 ? 'work' : 'ready';
    this.emit('AgentOther_InService', null, now);
    const stateEvent = {
      ready: 'AgentState_Ready',
      busy: 'AgentState_SetNotReady_Success',
      work: 'AgentState_Work',
    };
    this.emit(stateEvent[this.state as 'ready' | 'busy' | 'work'], null, now);
    return retcode.ok;
  }

  /** The retcode a call carrying `guid` gets now (null: accepted). */
  checkGuid(guid: string | undefined, now: number): string | null {
    if (!this.signedIn) return retcode.notSignedIn;
    if (guid && guid === this.guid) return null;
    if (guid && this.previous && guid === this.previous.guid && now <= this.previous.validUntil) {
      this.previousGuidCalls += 1;
      return null;
    }
    return retcode.authExpired;
  }

  /**
   * A poll or handshake reached the gateway: the agent's heartbeat. Under AUTHMODE 2 a GUID older than
   * the rotation interval is replaced; the new one is returned (for `Set-GUID`), the old one kept for
   * its grace.
   */
  heartbeat(now: number): string | null {
    if (this.lastHeartbeatAt > 0) this.heartbeatGapsMs.push(now - this.lastHeartbeatAt);
    this.lastHeartbeatAt = now;
    if (this.settings.authMode !== 2 || now - this.guidIssuedAt < this.settings.guidIntervalMs) return null;
    this.previous = { guid: this.guid!, validUntil: now + this.settings.guidGraceMs };
    return this.issueGuid(now);
  }

  /** The reaper: signed out once silent past the timeout. True when it signed the agent out now. */
  reap(now: number): boolean {
    if (!this.signedIn || now - this.lastHeartbeatAt <= this.settings.heartbeatTimeoutMs) return false;
    this.signOut(now, signOutReason.heartbeatTimeout);
    return true;
  }

  /** Sign-out as the caller asks for it: refused while the agent is in a call. */
  requestSignOut(now: number): string {
    if (this.pending) return retcode.repeatedInvocation;
    if (!this.signedIn) return retcode.alreadySignedOut;
    if (this.state === 'talking') return retcode.inCall;
    this.signOut(now, signOutReason.self);
    return retcode.ok;
  }

  signOut(now: number, reason: number): void {
    if (!this.signedIn) return;
    this.emit('AgentOther_ShutdownService', { loginTime: String(now), reason }, now);
    this.signedIn = false;
    this.guid = null;
    this.previous = null;
    this.signOuts.push({ at: now, reason });
  }

  /** A state the caller asks for (ready, busy, rest), with its event. */
  setState(state: 'ready' | 'busy' | 'rest', now: number): string {
    if (!this.signedIn) return retcode.notSignedIn;
    if (this.state === 'talking') return '100-009';
    const event = {
      ready: this.state === 'rest' ? 'AgentState_CancelRest_Success' : 'AgentState_CancelNotReady_Success',
      busy: 'AgentState_SetNotReady_Success',
      rest: 'AgentState_SetRest_Success',
    }[state];
    this.state = state;
    this.emit(event, null, now);
    if (state === 'ready') this.emit('AgentState_Ready', null, now);
    return retcode.ok;
  }

  /** A call or chat reaches the agent and is answered: ringing, talking. */
  callArrives(callid: string, mediaType: number, now: number): void {
    this.emit(
      'AgentEvent_Ringing',
      { callid, caller: '88880000', called: this.workNo, mediaType, feature: 0 },
      now,
    );
    this.emit('AgentEvent_Talking', { callid }, now);
    this.state = 'talking';
    this.emit('AgentState_Busy', null, now);
  }

  /** The call is released: the agent is ready again. */
  callReleased(callid: string, now: number): void {
    this.emit('AgentEvent_Call_Release', callid, now);
    this.emit('AgentOther_PhoneRelease', null, now);
    this.state = 'ready';
    this.emit('AgentState_Ready', null, now);
  }

  emit(eventType: string, content: unknown, now: number): AgentEvent {
    const event: AgentEvent = { eventType, workNo: this.workNo, eventGenTime: now, content };
    this.queue.push(event);
    this.issued.push(event);
    return event;
  }

  private issueGuid(now: number): string {
    this.guid = `${randomBytes(16).toString('hex')}.AgentGateway0`;
    this.guidsIssued.push({ guid: this.guid, signIn: this.signIns });
    this.guidIssuedAt = now;
    return this.guid;
  }
}
