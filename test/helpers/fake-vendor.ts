// A tiny in-memory vendor behind the ChatProvider seam, packaged as a ProviderModule so a real bridge
// worker can enable it (CHAT_BRIDGE_PROVIDERS=fake-vendor). Each vendor session keeps a log of agent
// events; a receive returns what follows the cursor, or an empty batch after a short real-time wait,
// and ends at once on abort. Everything the bridge asks of it is recorded for the test to read.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type {
  ChatProvider,
  JsonObject,
  OpenSessionRequest,
  OpenedSession,
  OutboundStamp,
  ReceivedBatch,
  ReconnectedSession,
  VendorConnection,
  VendorProfile,
} from '../../src/providers/chat-provider';
import type { ProviderModule } from '../../src/providers/provider-module';
import type { BridgeEvent } from '../../src/shared/events';
import { FailureType, type FailureTypeName } from '../../src/shared/failure-types';
import type { OutboundCommand } from '../../src/shared/session-types';

export const fakeVendorName = 'fake-vendor';

export const fakeVendorProfile: VendorProfile = {
  transport: 'longPoll',
  receiveIntervalMs: 0,
  keepAliveEveryMs: null,
  silenceLimitMs: 40_000,
  outboundSequence: true,
  afterReconnect: { restartsSequence: false, replaysTranscript: false },
};

export interface FakeSend {
  session: string;
  credentials: JsonObject;
  command: OutboundCommand;
  stamp: OutboundStamp;
}

export interface FakeVendorOptions {
  profile?: Partial<Omit<VendorProfile, 'afterReconnect'>> & {
    afterReconnect?: Partial<VendorProfile['afterReconnect']>;
  };
  /** How long an idle receive waits (real time) before it answers an empty batch. */
  idleMs?: number;
}

/** A typed vendor failure as providers raise them; `nonRetryable` defaults to the provider's rule. */
export function fakeFailure(
  type: FailureTypeName,
  message: string,
  nonRetryable?: boolean,
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message: `${fakeVendorName}: ${message}`,
    nonRetryable:
      nonRetryable ?? !(type === FailureType.vendorUnavailable || type === FailureType.malformedResponse),
  });
}

export class FakeVendor implements ChatProvider {
  readonly name = fakeVendorName;
  readonly profile: VendorProfile;
  readonly opens: OpenSessionRequest[] = [];
  /** Every send the vendor applied (a failed send the vendor applied anyway is here too). */
  readonly sends: FakeSend[] = [];
  /** Every send request, applied or not. */
  readonly sendAttempts: FakeSend[] = [];
  readonly reconnects: Array<{ session: string; credentials: JsonObject; cursor: JsonObject }> = [];
  /** Every `connect` (one per attachment the hub starts), by session. */
  readonly connects: string[] = [];
  /** Receives in flight now, across sessions. */
  receiving = 0;
  /**
   * Failures for the next sends, first first; then sends succeed. `applied`: the vendor took the request
   * and its answer was lost (the request is in `sends` though the send failed).
   */
  readonly sendFailures: Array<{ error: Error; applied?: boolean }> = [];
  /** When set, every reconnect throws what this returns. */
  reconnectFailure: (() => Error) | undefined;
  private readonly logs = new Map<string, BridgeEvent[]>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly idleMs: number;
  private sessionCount = 0;

  constructor(options: FakeVendorOptions = {}) {
    const { afterReconnect, ...rest } = options.profile ?? {};
    this.profile = {
      ...fakeVendorProfile,
      ...rest,
      afterReconnect: { ...fakeVendorProfile.afterReconnect, ...afterReconnect },
    };
    this.idleMs = options.idleMs ?? 200;
  }

  /** The module a worker enables: it hands out this very instance. */
  module(): ProviderModule {
    return { name: this.name, envSchema: z.object({}), create: () => this };
  }

  /** Ids of the sessions opened so far, oldest first. */
  sessions(): string[] {
    return [...this.logs.keys()];
  }

  /** Agent events the vendor holds for `session` (the hub receives them from the session's cursor). */
  push(session: string, ...events: BridgeEvent[]): void {
    const log = this.logs.get(session);
    if (!log) throw new Error(`no fake vendor session ${session}`);
    log.push(...events);
    for (const wake of this.waiters.get(session) ?? []) wake();
  }

  open(request: OpenSessionRequest): Promise<OpenedSession> {
    this.opens.push(request);
    this.sessionCount += 1;
    const session = `fake-${this.sessionCount}`;
    this.logs.set(session, []);
    return Promise.resolve({
      credentials: { session, token: 'token-0' },
      cursor: { offset: 0 },
      vendorSessionId: session,
      firstSequence: 1,
      profile: this.profile,
    });
  }

  connect(credentials: JsonObject): VendorConnection {
    const session = this.sessionKeyOf(credentials);
    this.connects.push(session);
    return { next: (cursor, signal) => this.next(session, cursor, signal), close: () => undefined };
  }

  send(credentials: JsonObject, command: OutboundCommand, stamp: OutboundStamp): Promise<void> {
    const request = { session: this.sessionKeyOf(credentials), credentials, command, stamp };
    this.sendAttempts.push(request);
    const failure = this.sendFailures.shift();
    if (!failure || failure.applied) this.sends.push(request);
    return failure ? Promise.reject(failure.error) : Promise.resolve();
  }

  reconnect(credentials: JsonObject, cursor: JsonObject): Promise<ReconnectedSession> {
    const session = this.sessionKeyOf(credentials);
    this.reconnects.push({ session, credentials, cursor });
    if (this.reconnectFailure) return Promise.reject(this.reconnectFailure());
    return Promise.resolve({ credentials: { session, token: `token-${this.reconnects.length}` } });
  }

  sessionKeyOf(credentials: JsonObject): string {
    return String(credentials.session);
  }

  private async next(session: string, cursor: JsonObject, signal: AbortSignal): Promise<ReceivedBatch> {
    const log = this.logs.get(session) ?? [];
    const offset = typeof cursor.offset === 'number' ? cursor.offset : 0;
    this.receiving += 1;
    try {
      if (log.length <= offset) await this.waitForEvents(session, signal);
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      return { events: log.slice(offset), cursor: { offset: Math.max(offset, log.length) } };
    } finally {
      this.receiving -= 1;
    }
  }

  /** Resolves on a push, after `idleMs`, or on abort, whichever comes first. */
  private waitForEvents(session: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(session) ?? new Set();
      this.waiters.set(session, set);
      const timer = setTimeout(done, this.idleMs);
      function done() {
        clearTimeout(timer);
        set.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      }
      set.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
