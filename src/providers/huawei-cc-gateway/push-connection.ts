// Push mode (docs/protocols/huawei-cc-gateway.md §6): the gateway POSTs the agent's events to this
// worker's PushReceiver; the hub's keep-alive sends the handshake. A push is answered only once the
// session has recorded its events (the link asks for the next batch with the cursor that counts it),
// so a worker that dies before that leaves the gateway to push them again, to whoever holds the agent
// next. Repeats are dropped by the keys the cursor carries, so a push answered too late is recorded once.
import type { JsonObject, ReceivedBatch, VendorConnection } from '../chat-provider';
import { announcement } from './announcement';
import type { GuidBook } from './guid-book';
import { signedOut } from './poll-connection';
import { readCursor, type PresenceCredentials } from './presence-credentials';
import { eventKey, repeatedPrefix, type PushListener, type PushReceiver } from './push-receiver';
import { toBridgeEvent } from './to-bridge-event';
import type { AgentEvent } from './wire-schemas';

/** How many recorded event keys the cursor carries to drop a push repeated after a worker died. */
const recentKeysKept = 64;
/** An empty batch after this long: the link's loop goes round (it checks its session meanwhile). */
const idleReturnMs = 25_000;

interface Push {
  events: AgentEvent[];
  /** The `pushSeq` it was handed out under; it is recorded once the cursor reaches it. */
  seq?: number;
  answer(error?: Error): void;
}

export class PushConnection implements VendorConnection {
  private readonly queue: Push[] = [];
  private wake: (() => void) | undefined;
  private readonly listener: PushListener;
  private readonly stopListening: () => void;
  private closed = false;

  constructor(
    private readonly credentials: PresenceCredentials,
    private readonly receiver: PushReceiver,
    private readonly book: GuidBook,
    /** Under the gateway's own wait for an answer, so it never resends a push we still hold. */
    private readonly answerWithinMs: number,
    /** A handshake now; a sign-out it meets is noted in the book. */
    private readonly probe: () => Promise<void>,
  ) {
    this.listener = {
      serviceToken: credentials.serviceToken ?? '',
      onEvents: (events) => this.take(events),
    };
    receiver.register(credentials.agentId, this.listener);
    this.stopListening = book.onSignedOut(credentials, () => this.wake?.());
  }

  async next(cursorJson: JsonObject, signal: AbortSignal): Promise<ReceivedBatch> {
    let cursor = readCursor(cursorJson);
    const announce = announcement(this.credentials, cursor);
    if (announce) return announce;
    // What the session recorded is answered to the gateway.
    while (this.queue[0]?.seq !== undefined && this.queue[0].seq <= cursor.pushSeq) {
      this.queue.shift()!.answer();
    }
    for (;;) {
      const signOut = this.book.signedOutReason(this.credentials);
      if (signOut) throw signedOut(this.credentials, signOut);
      const push = this.queue[0];
      if (push) {
        // A push repeated after a worker died starts with events the session recorded last.
        const keys = push.events.map(eventKey);
        const repeated = repeatedPrefix(cursor.recentKeys, keys);
        const freshKeys = keys.slice(repeated);
        const fresh = push.events.slice(repeated);
        if (fresh.length === 0) {
          this.queue.shift()!.answer(); // all recorded already (a push repeated after a crash)
          continue;
        }
        push.seq = cursor.pushSeq + 1;
        const events = fresh.map(toBridgeEvent);
        const lastState = events.reduce(
          (state, e) => (e.kind === 'agentEvent' && e.state ? e.state : state),
          cursor.lastState,
        );
        // A ShutdownService may be late (from a sign-in already healed): a handshake says whether the
        // agent is signed out now, at once rather than at the next beat.
        if (fresh.some((e) => e.eventType === 'AgentOther_ShutdownService'))
          void this.probe().catch(() => undefined);
        cursor = {
          ...cursor,
          pushSeq: push.seq,
          lastState,
          recentKeys: [...cursor.recentKeys, ...freshKeys].slice(-recentKeysKept),
        };
        return { events, cursor };
      }
      if (!(await this.waitForPush(signal))) return { events: [], cursor: cursorJson };
    }
  }

  learnedCredentials(): JsonObject | undefined {
    const guid = this.book.learned(this.credentials);
    return guid ? { ...this.credentials, guid } : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.receiver.unregister(this.credentials.agentId, this.listener);
    this.stopListening();
    // Not recorded: the gateway pushes them again to whoever holds the agent next.
    for (const push of this.queue.splice(0)) push.answer(new Error('the connection moved'));
    this.wake?.();
  }

  /** Resolves once the session recorded the events; rejects (the gateway pushes again) otherwise. */
  private take(events: AgentEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the connection moved'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.giveBack(push), this.answerWithinMs);
      const push: Push = {
        events,
        answer: (error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        },
      };
      this.queue.push(push);
      this.wake?.();
    });
  }

  /**
   * Not recorded in time: refused to the gateway, which pushes it again — with every later push, so
   * nothing overtakes it. One already handed to the session may still be recorded; its repeat is dropped.
   */
  private giveBack(push: Push): void {
    const at = this.queue.indexOf(push);
    if (at < 0) return;
    for (const later of this.queue.splice(at)) later.answer(new Error('not recorded in time'));
  }

  private waitForPush(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (woken: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.wake = undefined;
        resolve(woken);
      };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), idleReturnMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = () => done(!this.closed);
    });
  }
}
