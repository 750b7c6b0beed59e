// The newest GUID of each signed-in agent this worker holds, shared by the event poll, the handshake and
// the commands: under AUTHMODE 2 any of their answers may name a new one (`Set-GUID`), and every later
// call must use it. Adopted here at once, in memory; made durable by the hub's lease heartbeat (a worker
// that dies hands the newest GUIDs to the re-homing) and by a handover when a worker drains. A sign-out
// a call met is noted too, so the receiving side ends at once and the session heals it.
import { signInKey, type PresenceCredentials } from './presence-credentials';
import { retcode } from './retcodes';

export class GuidBook {
  private readonly guids = new Map<string, string>();
  private readonly signedOut = new Map<string, string>();
  private readonly listeners = new Map<string, () => void>();

  current(credentials: PresenceCredentials): string {
    return this.guids.get(signInKey(credentials)) ?? credentials.guid;
  }

  /**
   * `call` with the newest GUID this worker knows; on 000-003 (a GUID the gateway no longer accepts)
   * once more with the one the session recorded, when that differs: a connection that moved away and
   * came back finds this worker's GUID older than the one recorded meanwhile (a handover recorded what
   * another worker learned). The GUID that worked is adopted.
   */
  async withGuid<T>(credentials: PresenceCredentials, call: (guid: string) => Promise<T>): Promise<T> {
    const first = this.current(credentials);
    try {
      return await call(first);
    } catch (err) {
      const recorded = credentials.guid;
      const stale = err instanceof Error && err.message.includes(`retcode ${retcode.authExpired}`);
      if (!stale || recorded === first) throw err;
      const result = await call(recorded);
      this.guids.set(signInKey(credentials), recorded);
      return result;
    }
  }

  adopt(credentials: PresenceCredentials, guid: string | null): void {
    if (guid) this.guids.set(signInKey(credentials), guid);
  }

  /** The GUID learned since the session recorded `credentials`, or undefined. */
  learned(credentials: PresenceCredentials): string | undefined {
    const guid = this.guids.get(signInKey(credentials));
    return guid && guid !== credentials.guid ? guid : undefined;
  }

  noteSignedOut(credentials: PresenceCredentials, reason: string): void {
    const key = signInKey(credentials);
    this.signedOut.set(key, reason);
    this.listeners.get(key)?.();
  }

  signedOutReason(credentials: PresenceCredentials): string | undefined {
    return this.signedOut.get(signInKey(credentials));
  }

  /** Called when a sign-out is noted for this sign-in (one listener: the connection that holds it). */
  onSignedOut(credentials: PresenceCredentials, listener: () => void): () => void {
    const key = signInKey(credentials);
    this.listeners.set(key, listener);
    return () => {
      if (this.listeners.get(key) === listener) this.listeners.delete(key);
    };
  }

  /** The sign-in is over here (signed out, or the connection moved away). */
  forget(credentials: PresenceCredentials): void {
    const key = signInKey(credentials);
    this.guids.delete(key);
    this.signedOut.delete(key);
    this.listeners.delete(key);
  }
}
