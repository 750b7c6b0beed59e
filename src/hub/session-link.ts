// One session's vendor connection inside the hub: receive, have the session record the batch (one update
// per non-empty batch), deliver what it recorded to the channel, and only then receive from the new
// cursor — so the vendor never sees a cursor the session has not recorded, a crash re-receives exactly
// what was unrecorded, and no idempotency key ever reaches the channel for an event the session refused.
import { context as otelContext, type Context as OtelContext } from '@opentelemetry/api';
import type { MetricMeter } from '@temporalio/common';
import type { ChatProvider, VendorConnection } from '../providers/chat-provider';
import { recordDeliveryLag, recordPollWait, recordVendorError } from '../metrics/bridge-metrics';
import { FailureType } from '../shared/failure-types';
import type { SessionEvent } from '../shared/events';
import type { AttachConnectionInput, LearnedCredentials, VendorEventsRecorded } from '../shared/hub-types';
import { postWebhookEvent, type WebhookSettings } from '../delivery/post-webhook-event';
import { sleepUnlessAborted } from '../util/abortable-sleep';
import { backoffMs } from './backoff';
import { boundBatch } from './bound-event';
import { receiveFailureAction } from './receive-failure';
import { SessionGoneError, type BatchOutcome, type SessionSignals } from './session-signals';

/** How long a link waits, at most, before offering a batch again to a session whose backlog is full. */
const backlogFullWaitMs = 1_000;

export interface LinkDeps {
  hubId: string;
  signals: SessionSignals;
  webhook: WebhookSettings;
  malformedAttemptsLimit: number;
  meter: MetricMeter;
  log: (level: 'warn' | 'info', message: string, meta?: Record<string, unknown>) => void;
  /**
   * How often an idle link checks that its session workflow still runs (a read, not a write): a
   * terminated session would otherwise keep its vendor session alive through the hub forever.
   */
  ownerCheckEveryMs: number;
  /** Called once when the loop ends on its own (not by `stop`). */
  onEnded: (link: SessionLink) => void;
  /**
   * When the hub last sent each session's keep-alive (ms since the epoch): a link that replaces another
   * in place goes on from there instead of starting a fresh interval, so links replaced often (a
   * flaky webhook hands delivery back and forth) never starve the vendor of its heartbeat.
   */
  lastKeepAliveAt: Map<string, number>;
}

export class SessionLink {
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Set by `stop()`: the hub let go of this link itself and needs no `onEnded`. */
  private releasedByHub = false;
  /** Cursor and next index as the session has recorded them (advanced after each accepted signal). */
  private cursor: Record<string, unknown>;
  private nextIndex: number;
  private deliverDirectly: boolean;
  /** Highest index this attachment delivered to the channel (-1: none), and how far the session knows it. */
  private deliveredThroughValue = -1;
  /** The attachment's first deliveries: what an earlier one never confirmed. */
  private redelivery: Promise<void> = Promise.resolve();
  private reportedThrough = -1;
  private connection: VendorConnection | undefined;
  /** The attach activity's trace context: the link's requests and signals join the session's trace. */
  private readonly traceContext: OtelContext = otelContext.active();

  constructor(
    readonly input: AttachConnectionInput,
    private readonly provider: ChatProvider,
    private readonly deps: LinkDeps,
  ) {
    this.cursor = input.cursor;
    this.nextIndex = input.nextEventIndex;
    this.deliverDirectly = input.delivery !== null;
  }

  get workflowId(): string {
    return this.input.sessionWorkflowId;
  }

  /** Highest event index this attachment delivered to the channel, or -1. */
  get deliveredThrough(): number {
    return this.deliveredThroughValue;
  }

  start(): void {
    this.done = otelContext
      .with(this.traceContext, () => this.run())
      .catch((err) => this.deps.log('warn', 'session link ended unexpectedly', { error: String(err) }));
  }

  /**
   * Credentials the vendor rotated since the session recorded them (a Huawei GUID), with the generation
   * they belong to; undefined when the recorded ones are current.
   */
  learnedCredentials(): LearnedCredentials | undefined {
    const credentials = this.connection?.learnedCredentials?.();
    return credentials ? { generation: this.input.generation, credentials } : undefined;
  }

  /** Ends the connection and waits until no request of this link is in flight. */
  async stop(): Promise<void> {
    this.releasedByHub = true;
    this.stopped = true;
    this.abort.abort(new Error('connection released'));
    await this.done;
  }

  private async run(): Promise<void> {
    const connection = this.provider.connect(this.input.credentials);
    this.connection = connection;
    const keepAlive = this.startKeepAlive();
    const ownerCheck = this.startOwnerCheck();
    // Beside the first receive, so a slow webhook does not delay the poll; new batches wait for it.
    this.redelivery = this.redeliverUnconfirmed();
    try {
      await this.receiveLoop(connection);
    } finally {
      await this.redelivery.catch(() => undefined);
      keepAlive?.();
      ownerCheck();
      connection.close();
      if (!this.releasedByHub) this.deps.onEnded(this);
    }
  }

  private async receiveLoop(connection: VendorConnection): Promise<void> {
    const signal = this.abort.signal;
    const interval = this.provider.profile.receiveIntervalMs;
    let failures = 0;
    let malformed = 0;
    while (!this.stopped) {
      let batch;
      const startedAt = Date.now();
      try {
        batch = await connection.next(this.cursor, signal);
        recordPollWait(this.deps.meter, this.input.provider, Date.now() - startedAt, batch.events.length);
        failures = 0;
        malformed = 0;
      } catch (err) {
        if (this.stopped) return;
        recordVendorError(this.deps.meter, err, { provider: this.input.provider, operation: 'receive' });
        if (isMalformed(err)) malformed += 1;
        const action = receiveFailureAction(err, malformed, this.deps.malformedAttemptsLimit);
        if (action.kind === 'retry') {
          failures += 1;
          await sleepUnlessAborted(backoffMs(failures), signal);
          continue;
        }
        if (action.kind === 'handover') {
          await this.reportDeliveries(false);
          await this.tell(() =>
            this.deps.signals.handover(this.workflowId, {
              generation: this.input.generation,
              reason: action.message,
              chatUid: this.input.sessionUid,
              ...(action.credentials ? { credentials: action.credentials } : {}),
            }),
          );
        } else {
          await this.tell(() =>
            this.deps.signals.connectionLost(this.workflowId, {
              hubId: this.deps.hubId,
              epoch: this.input.epoch,
              chatUid: this.input.sessionUid,
              reason: action.reason,
              message: action.message,
              ...(action.failureType ? { failureType: action.failureType } : {}),
              ...this.unreportedDeliveries(),
            }),
          );
        }
        return;
      }
      if (batch.events.length > 0) {
        const events = this.name(batch.events);
        const deliveredThrough = this.deliveredThroughValue;
        let outcome: BatchOutcome = 'stale';
        const told = await this.tell(async () => {
          outcome = await this.deps.signals.vendorEvents(
            this.workflowId,
            {
              hubId: this.deps.hubId,
              epoch: this.input.epoch,
              generation: this.input.generation,
              firstIndex: this.nextIndex,
              events,
              cursor: batch.cursor,
              deliveredThrough,
              hubDelivers: this.deliverDirectly,
              chatUid: this.input.sessionUid,
            },
            this.input.sessionUid,
            this.abort.signal,
          );
        });
        // Not recorded (the session moved on to another attachment): never acknowledge it to the vendor,
        // and never deliver it (its index may name another event in the session's record).
        if (!told || outcome === 'stale') return;
        if (outcome === 'outOfStep') {
          // The session's record went back (an operator reset it): it attaches again from there.
          await this.tell(() =>
            this.deps.signals.connectionLost(this.workflowId, {
              hubId: this.deps.hubId,
              epoch: this.input.epoch,
              chatUid: this.input.sessionUid,
              reason: 'draining',
              message: 'the hub is out of step with the session record (was it reset?)',
              ...this.unreportedDeliveries(),
            }),
          );
          return;
        }
        if (outcome === 'backlogFull') {
          // Not recorded, not acknowledged: the vendor keeps these events and sends them again when
          // asked from the same cursor, which keeps its session alive meanwhile. What this hub delivered
          // is reported now: a refused batch confirms nothing, and the backlog may be just that.
          await this.reportDeliveries(false);
          await sleepUnlessAborted(this.backlogFullWaitMs(), signal);
          continue;
        }
        const recorded: VendorEventsRecorded = outcome;
        this.reportedThrough = Math.max(this.reportedThrough, deliveredThrough);
        this.nextIndex += events.length;
        if (recorded.deliverThrough < 0)
          this.deliverDirectly = false; // the session's lane delivers
        else if (!(await this.deliver(events.filter((e) => e.index <= recorded.deliverThrough)))) {
          await this.reportDeliveries(true); // the lane takes the rest, in order
        }
        if (events.some((e) => e.event.kind === 'chatEnded')) {
          await this.reportDeliveries(false); // no later batch will carry it: the session waits for it
          return; // the vendor session is over
        }
      }
      this.cursor = batch.cursor;
      if (interval > 0) await sleepUnlessAborted(interval, signal);
    }
  }

  /** Well inside the vendor's silence limit: the next receive is what keeps its session alive. */
  private backlogFullWaitMs(): number {
    const profile = this.provider.profile;
    return Math.max(profile.receiveIntervalMs, Math.min(backlogFullWaitMs, profile.silenceLimitMs / 4));
  }

  /** Ids are `<sessionUid>:<index>` from the recorded count: a re-receive after a crash names them the same. */
  private name(events: SessionEvent['event'][]): SessionEvent[] {
    const at = new Date().toISOString();
    return boundBatch(events).map((event, i) => ({
      id: `${this.input.eventIdPrefix ?? this.input.sessionUid}:${this.nextIndex + i}`,
      index: this.nextIndex + i,
      at,
      event,
    }));
  }

  /**
   * Delivers recorded events in order until one fails; from then on this link leaves delivery to the
   * session (which retries with backoff), so events never overtake an undelivered one. False on a failure.
   */
  private async deliver(events: SessionEvent[]): Promise<boolean> {
    await this.redelivery;
    return this.deliverInOrder(events);
  }

  private async redeliverUnconfirmed(): Promise<void> {
    const events = this.input.redeliver ?? [];
    if (events.length === 0) return;
    if (!(await this.deliverInOrder(events)) && !this.stopped) await this.reportDeliveries(true);
  }

  private async deliverInOrder(events: SessionEvent[]): Promise<boolean> {
    const delivery = this.input.delivery;
    if (!delivery || !this.deliverDirectly) return true;
    for (const event of events) {
      try {
        await postWebhookEvent(
          this.deps.webhook,
          { ...delivery, sessionId: this.workflowId },
          event,
          this.abort.signal,
        );
        this.deliveredThroughValue = event.index;
        recordDeliveryLag(this.deps.meter, event.at);
      } catch (err) {
        this.deliverDirectly = false;
        if (!this.stopped) {
          this.deps.log('info', 'webhook delivery failed; the session retries it', { error: String(err) });
        }
        return false;
      }
    }
    return true;
  }

  /** `deliveredThrough` for a signal that ends the attachment, when the session does not know it yet. */
  private unreportedDeliveries(): { deliveredThrough?: number } {
    const through = this.deliveredThroughValue;
    return through > this.reportedThrough ? { deliveredThrough: through } : {};
  }

  /**
   * Tells the session what this attachment delivered, when no later batch will carry it (and, with
   * `handBack`, that the delivery lane takes over). Deliveries the session never hears of are only
   * redelivered under the same keys.
   */
  private async reportDeliveries(handBack: boolean): Promise<void> {
    const through = this.deliveredThroughValue;
    if (!handBack && through <= this.reportedThrough) return;
    const told = await this.tell(() =>
      this.deps.signals.eventsDelivered(this.workflowId, {
        hubId: this.deps.hubId,
        epoch: this.input.epoch,
        deliveredThrough: through,
        handBack,
        chatUid: this.input.sessionUid,
      }),
    );
    if (told) this.reportedThrough = Math.max(this.reportedThrough, through);
  }

  /** Signals the session, retrying until it is accepted. False when the link must end instead. */
  private async tell(send: () => Promise<void>): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await send();
        return true;
      } catch (err) {
        if (err instanceof SessionGoneError) return false;
        // Stopping while a batch waits to be told is fine: it is not acked to the vendor, and the next
        // holder receives from whatever cursor the session recorded — with the batch, if the abandoned
        // update still ran, or without it (the vendor sends it again under the same ids).
        if (this.stopped) return false;
        this.deps.log('warn', 'could not signal the session; retrying', { error: String(err) });
        await sleepUnlessAborted(backoffMs(attempt), this.abort.signal);
      }
    }
  }

  private startOwnerCheck(): () => void {
    // Jittered so a hub's links do not all ask at once.
    const every = this.deps.ownerCheckEveryMs * (0.75 + Math.random() / 2);
    const timer = setInterval(() => {
      void this.deps.signals.isRunning(this.workflowId, this.input.sessionUid).then((running) => {
        if (running || this.stopped) return;
        this.deps.log('info', 'the session workflow is closed: letting go of its vendor connection', {
          workflowId: this.workflowId,
        });
        this.stopped = true;
        this.abort.abort(new Error('the session workflow is closed'));
      });
    }, every);
    timer.unref();
    return () => clearInterval(timer);
  }

  /**
   * The vendor's keep-alive every `keepAliveEveryMs`, counted from the last one this hub sent for the
   * session; at once when it sent none (a new session, or one adopted from a hub that died: its last
   * heartbeat is of unknown age).
   */
  private startKeepAlive(): (() => void) | undefined {
    const every = this.provider.profile.keepAliveEveryMs;
    const keepAlive = this.provider.keepAlive?.bind(this.provider);
    if (!every || !keepAlive) return undefined;
    const send = () => {
      this.deps.lastKeepAliveAt.set(this.workflowId, Date.now());
      keepAlive(this.input.credentials, this.abort.signal).catch((err) => {
        if (!this.stopped) this.deps.log('warn', 'keep-alive failed', { error: String(err) });
      });
    };
    const last = this.deps.lastKeepAliveAt.get(this.workflowId);
    let interval: NodeJS.Timeout | undefined;
    const first = setTimeout(
      () => {
        send();
        interval = setInterval(send, every);
      },
      last === undefined ? 0 : Math.max(0, last + every - Date.now()),
    );
    return () => {
      clearTimeout(first);
      clearInterval(interval);
    };
  }
}

function isMalformed(err: unknown): boolean {
  return (err as { type?: string } | null)?.type === FailureType.malformedResponse;
}
