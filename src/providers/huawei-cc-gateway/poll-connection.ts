// Poll mode (docs/protocols/huawei-cc-gateway.md §5): `GET agentevent/{agentid}`, held by the gateway
// about 10 s and answered with one event or none; polled again `pollIntervalMs` after each answer. The
// poll is the heartbeat. Every answer's `Set-GUID` is adopted at once. The gateway keeps no cursor: an
// event it answered is gone from it, so a worker that dies between the answer and the session's record
// loses that event (the gateway's protocol has no acknowledgement; push mode has one).
import { FailureType } from '../../shared/failure-types';
import { sleepUnlessAborted } from '../../util/abortable-sleep';
import {
  VendorCredentialsChanged,
  type JsonObject,
  type ReceivedBatch,
  type VendorConnection,
} from '../chat-provider';
import { isFailureType } from '../vendor-failure';
import type { AgentApi } from './agent-api';
import { announcement } from './announcement';
import type { GuidBook } from './guid-book';
import { readCursor, type PresenceCredentials } from './presence-credentials';
import { toBridgeEvent } from './to-bridge-event';

export class PollConnection implements VendorConnection {
  private polled = false;

  constructor(
    private readonly credentials: PresenceCredentials,
    private readonly api: AgentApi,
    private readonly book: GuidBook,
    private readonly pollIntervalMs: number,
  ) {}

  async next(cursorJson: JsonObject, signal: AbortSignal): Promise<ReceivedBatch> {
    const cursor = readCursor(cursorJson);
    const announce = announcement(this.credentials, cursor);
    if (announce) return announce;
    if (this.polled) await sleepUnlessAborted(this.pollIntervalMs, signal);
    this.polled = true;
    const { agentId } = this.credentials;
    let answer;
    try {
      answer = await this.book.withGuid(this.credentials, (guid) => this.api.poll(agentId, guid, signal));
    } catch (err) {
      if (isFailureType(err, FailureType.agentSignedOut)) throw signedOut(this.credentials, err.message);
      throw err;
    }
    this.book.adopt(this.credentials, answer.newGuid);
    if (!answer.event) return { events: [], cursor: cursorJson };
    // An `AgentOther_ShutdownService` is passed on like any event; the sign-out itself is the next
    // poll's 100-006 (the event may also be a late one from a sign-in already healed).
    const event = toBridgeEvent(answer.event);
    const state = event.kind === 'agentEvent' && event.state ? event.state : cursor.lastState;
    return { events: [event], cursor: { ...cursor, lastState: state } };
  }

  learnedCredentials(): JsonObject | undefined {
    const guid = this.book.learned(this.credentials);
    return guid ? { ...this.credentials, guid } : undefined;
  }

  close(): void {}
}

/**
 * The agent is no longer signed in: a handover whose credentials say so, and why; the session's
 * reconnect signs the agent in again, per its policy.
 */
export function signedOut(credentials: PresenceCredentials, reason: string): VendorCredentialsChanged {
  return new VendorCredentialsChanged({ ...credentials, signedOut: reason }, `agent signed out: ${reason}`);
}
