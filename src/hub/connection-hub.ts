// The per-worker connection hub: holds the vendor connections (long polls, streams, keep-alives) of many
// sessions in one process, over one HTTP pool, under one lease (a single heartbeating activity).
// Each session workflow still owns its cursor: the hub receives from the cursor the session recorded,
// and advances only after the session accepted the batch (see SessionLink).
// docs/session-core.md has the design and the failure cases.
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import type { ChatProvider } from '../providers/chat-provider';
import type { ProviderRegistry } from '../providers/registry';
import type { AttachConnectionInput, AttachConnectionResult, LearnedCredentials } from '../shared/hub-types';
import type { WebhookSettings } from '../delivery/post-webhook-event';
import { backoffMs } from './backoff';
import { type MembershipReporter } from './membership-reporter';
import { SessionLink } from './session-link';
import { SessionGoneError, type SessionSignals } from './session-signals';

export const HubFailure = {
  /** This hub is shutting down or fenced: attach elsewhere (through the shared task queue). */
  unavailable: 'HubUnavailable',
} as const;

export interface ConnectionHubDeps {
  hubId: string;
  hubTaskQueue: string;
  providers: ProviderRegistry;
  signals: SessionSignals;
  webhook: WebhookSettings;
  malformedAttemptsLimit: number;
  meter: MetricMeter;
  /** Tells the lease workflow the hub let go of everything (so a lease cancelled meanwhile re-homes nobody). */
  reportClosed?: () => Promise<void>;
  /** How often an idle connection checks that its session workflow still runs (default 10 min). */
  ownerCheckEveryMs?: number;
  /** Records attaches and detaches with the hub's lease workflow; absent when the hub has no lease. */
  reportMembership?: MembershipReporter;
  log: (level: 'warn' | 'info', message: string, meta?: Record<string, unknown>) => void;
}

export type HubState = 'open' | 'draining' | 'closed' | 'fenced';

export class ConnectionHub {
  private readonly links = new Map<string, SessionLink>();
  /** Per session held: when its keep-alive was last sent (kept across links replaced in place). */
  private readonly lastKeepAliveAt = new Map<string, number>();
  /** Per session: the tail of its queued attaches and detaches (see `oneAtATime`). */
  private readonly sessionQueues = new Map<string, Promise<void>>();
  private stateValue: HubState = 'open';
  private closedListeners: Array<() => void> = [];

  constructor(private readonly deps: ConnectionHubDeps) {}

  get hubId(): string {
    return this.deps.hubId;
  }
  get hubTaskQueue(): string {
    return this.deps.hubTaskQueue;
  }
  get state(): HubState {
    return this.stateValue;
  }
  /** Sessions whose vendor connection this hub holds now. */
  get size(): number {
    return this.links.size;
  }

  /** Per session held: the credentials its connection learned since the session recorded them. */
  learnedCredentials(): Record<string, LearnedCredentials> | undefined {
    let learned: Record<string, LearnedCredentials> | undefined;
    for (const [id, link] of this.links) {
      const credentials = link.learnedCredentials();
      if (credentials) (learned ??= {})[id] = credentials;
    }
    return learned;
  }

  /**
   * Holds the session's connection, replacing an older attachment of the same session (whose requests
   * end first: never two connections to one vendor session from this process).
   */
  async attach(input: AttachConnectionInput): Promise<AttachConnectionResult> {
    this.assertOpen();
    const provider = this.deps.providers.get(input.provider);
    return this.oneAtATime(input.sessionWorkflowId, () => this.attachNow(input, provider));
  }

  private async attachNow(
    input: AttachConnectionInput,
    provider: ChatProvider,
  ): Promise<AttachConnectionResult> {
    this.assertOpen();
    const result = { hubId: this.deps.hubId, hubTaskQueue: this.deps.hubTaskQueue };
    const previous = this.links.get(input.sessionWorkflowId);
    if (previous) {
      this.links.delete(input.sessionWorkflowId);
      await previous.stop();
    }
    // On the lease workflow's list before the first request: if this worker dies from here on, the
    // session is told to move.
    await this.deps.reportMembership?.attachedNow(input.sessionWorkflowId);
    this.assertOpen();
    this.startLink(input, provider);
    return result;
  }

  /**
   * Takes over a session from a hub whose lease was lost, without the session attaching anew: the
   * session accepts (an update) and returns a new attachment from its recorded cursor, and this hub
   * holds it at once. `refused` when the session moved on or is attaching (the caller tells it to
   * attach instead); `held` when this hub holds it already.
   */
  async adopt(sessionWorkflowId: string, fromHubId: string): Promise<'adopted' | 'held' | 'refused'> {
    this.assertOpen();
    return this.oneAtATime(sessionWorkflowId, async () => {
      this.assertOpen();
      if (this.links.has(sessionWorkflowId)) return 'held';
      // Listed first, as for an attach: from the session's answer on, this hub's lease covers it.
      await this.deps.reportMembership?.attachedNow(sessionWorkflowId);
      const input = await this.askToAdopt(sessionWorkflowId, fromHubId);
      if (input === 'closed') {
        // Shutting down before the session answered: if it accepted, it must not wait for this hub.
        await this.letGo(sessionWorkflowId, undefined, `hub ${this.deps.hubId} is ${this.stateValue}`);
        return 'refused';
      }
      if (!input) {
        this.deps.reportMembership?.detachedNow(sessionWorkflowId);
        return 'refused';
      }
      const provider = this.deps.providers.find(input.provider);
      if (this.stateValue !== 'open' || !provider) {
        // Accepted, but this hub cannot hold it after all (it began shutting down, or does not run the
        // session's vendor): the session attaches anywhere.
        const why = provider
          ? `hub ${this.deps.hubId} is ${this.stateValue}`
          : `no ${input.provider} provider here`;
        if (await this.letGo(sessionWorkflowId, input.epoch, why)) {
          this.deps.reportMembership?.detachedNow(sessionWorkflowId);
        }
        return 'refused';
      }
      this.startLink(input, provider);
      return 'adopted';
    });
  }

  /**
   * Tells a session this hub will not hold its connection (`connectionLost`, reason `draining`), a few
   * times. False when it could not be told: the session stays on this hub's lease list, so if this hub
   * dies its lease workflow tells the session instead.
   */
  private async letGo(
    sessionWorkflowId: string,
    epoch: number | undefined,
    message: string,
  ): Promise<boolean> {
    const lost = {
      hubId: this.deps.hubId,
      ...(epoch === undefined ? {} : { epoch }),
      reason: 'draining' as const,
      message,
    };
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      try {
        await this.deps.signals.connectionLost(sessionWorkflowId, lost);
        return true;
      } catch (err) {
        if (err instanceof SessionGoneError) return true;
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
    return false;
  }

  /**
   * Asks until the session answers: an unknown outcome may be an accepted adoption, which only this hub
   * can honour (the same update id gets the same answer). 'closed' when the hub stopped meanwhile.
   */
  private async askToAdopt(
    sessionWorkflowId: string,
    fromHubId: string,
  ): Promise<AttachConnectionInput | null | 'closed'> {
    const request = { fromHubId, hubId: this.deps.hubId, hubTaskQueue: this.deps.hubTaskQueue };
    for (let attempt = 1; ; attempt += 1) {
      if (this.stateValue !== 'open') return 'closed';
      try {
        return await this.deps.signals.adoptConnection(sessionWorkflowId, request);
      } catch (err) {
        this.deps.log('warn', 'could not offer to adopt a session; retrying', { error: String(err) });
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
  }

  private startLink(input: AttachConnectionInput, provider: ChatProvider): void {
    const link = new SessionLink(input, provider, {
      hubId: this.deps.hubId,
      signals: this.deps.signals,
      webhook: this.deps.webhook,
      malformedAttemptsLimit: this.deps.malformedAttemptsLimit,
      meter: this.deps.meter,
      log: this.deps.log,
      ownerCheckEveryMs: this.deps.ownerCheckEveryMs ?? 10 * 60_000,
      onEnded: (ended) => this.forget(ended),
      lastKeepAliveAt: this.lastKeepAliveAt,
    });
    this.links.set(input.sessionWorkflowId, link);
    link.start();
  }

  /** Lets go of a session (it ended, or it re-attaches elsewhere). `epoch` guards against a late detach. */
  detach(sessionWorkflowId: string, epoch?: number): Promise<boolean> {
    // After an attach still in progress for the session: it may be the very attachment to let go of.
    return this.oneAtATime(sessionWorkflowId, async () => {
      const link = this.links.get(sessionWorkflowId);
      if (!link || (epoch !== undefined && link.input.epoch !== epoch)) return false;
      this.links.delete(sessionWorkflowId);
      await link.stop();
      this.deps.reportMembership?.detachedNow(sessionWorkflowId);
      return true;
    });
  }

  /**
   * Attaches and detaches of one session run one after the other, in arrival order: two attaches that
   * overlap (an attempt retried while the first still waits for its membership report) would otherwise
   * both start a connection, and a detach would miss an attach still in progress.
   */
  private oneAtATime<T>(sessionWorkflowId: string, task: () => Promise<T>): Promise<T> {
    const before = this.sessionQueues.get(sessionWorkflowId) ?? Promise.resolve();
    const mine = before.then(task);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.sessionQueues.set(sessionWorkflowId, settled);
    void settled.then(() => {
      if (this.sessionQueues.get(sessionWorkflowId) === settled) this.sessionQueues.delete(sessionWorkflowId);
    });
    return mine;
  }

  /**
   * Graceful shutdown: end every connection, then tell each session to attach elsewhere. Each session
   * is told only after its own requests ended, so its next holder never overlaps this one.
   */
  async drain(reason: string, concurrency = 64): Promise<void> {
    if (this.stateValue !== 'open') return;
    this.stateValue = 'draining';
    const links = [...this.links.values()];
    this.links.clear();
    let next = 0;
    const worker = async () => {
      while (next < links.length) {
        const link = links[next++]!;
        await link.stop();
        if (await this.handOverLearned(link, reason)) continue;
        await this.deps.signals
          .connectionLost(link.workflowId, {
            hubId: this.deps.hubId,
            epoch: link.input.epoch,
            chatUid: link.input.sessionUid,
            reason: 'draining',
            message: reason,
            // What it delivered last, so the session does not deliver it again.
            ...(link.deliveredThrough >= 0 ? { deliveredThrough: link.deliveredThrough } : {}),
          })
          .catch(() => undefined); // gone, or unreachable: the lease workflow re-homes it instead
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, links.length) }, worker));
    await this.deps.reportClosed?.().catch(() => undefined);
    this.close('closed');
  }

  /**
   * A drained session whose connection learned credentials the session has not recorded: told with a
   * `handover` carrying them (after what it delivered), so its next holder starts from the newest.
   */
  private async handOverLearned(link: SessionLink, reason: string): Promise<boolean> {
    const learned = link.learnedCredentials();
    if (!learned) return false;
    const chatUid = link.input.sessionUid;
    try {
      if (link.deliveredThrough >= 0) {
        await this.deps.signals.eventsDelivered(link.workflowId, {
          hubId: this.deps.hubId,
          epoch: link.input.epoch,
          deliveredThrough: link.deliveredThrough,
          handBack: false,
          chatUid,
        });
      }
      await this.deps.signals.handover(link.workflowId, {
        generation: learned.generation,
        reason: `${reason} (with the credentials the connection learned)`,
        credentials: learned.credentials,
        chatUid,
      });
      return true;
    } catch {
      return false; // told the usual way instead; the lease workflow re-homes it if that fails too
    }
  }

  /** The lease is lost: end every request at once and tell nobody (the lease workflow re-homes). */
  fence(reason: string): Promise<void> {
    this.deps.log('warn', `connection hub ${this.deps.hubId} fenced: ${reason}`);
    const links = [...this.links.values()];
    this.links.clear();
    this.close('fenced');
    return Promise.all(links.map((l) => l.stop())).then(() => undefined);
  }

  /** Resolves when the hub has drained or been fenced. */
  whenClosed(): Promise<HubState> {
    if (this.stateValue === 'closed' || this.stateValue === 'fenced') return Promise.resolve(this.stateValue);
    return new Promise((resolve) => this.closedListeners.push(() => resolve(this.stateValue)));
  }

  private close(state: 'closed' | 'fenced'): void {
    this.stateValue = state;
    this.deps.reportMembership?.close();
    for (const listener of this.closedListeners.splice(0)) listener();
  }

  private forget(link: SessionLink): void {
    if (this.links.get(link.workflowId) !== link) return;
    this.links.delete(link.workflowId);
    this.lastKeepAliveAt.delete(link.workflowId);
    this.deps.reportMembership?.detachedNow(link.workflowId);
  }

  private assertOpen(): void {
    if (this.stateValue === 'open') return;
    throw ApplicationFailure.create({
      type: HubFailure.unavailable,
      message: `connection hub ${this.deps.hubId} is ${this.stateValue}: another worker's hub takes the session`,
    });
  }
}
