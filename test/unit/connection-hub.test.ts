// The connection hub with an in-memory vendor (the ChatProvider seam), a recording SessionSignals and a
// real loopback webhook receiver: batches are delivered, then signalled, then acknowledged (the next
// receive carries the new cursor); one connection per session; failures become the right signals.
import assert from 'node:assert/strict';
import { ApplicationFailure, noopMetricMeter } from '@temporalio/common';
import { Agent } from 'undici';
import { ConnectionHub, HubFailure } from '../../src/hub/connection-hub';
import { MembershipReporter } from '../../src/hub/membership-reporter';
import { SessionGoneError, type BatchOutcome, type SessionSignals } from '../../src/hub/session-signals';
import type {
  ChatProvider,
  JsonObject,
  ReceivedBatch,
  VendorConnection,
  VendorProfile,
} from '../../src/providers/chat-provider';
import { ProviderRegistry } from '../../src/providers/registry';
import type { HandoverSignal } from '../../src/shared/definitions';
import type { BridgeEvent, SessionEvent } from '../../src/shared/events';
import { FailureType } from '../../src/shared/failure-types';
import type {
  AdoptConnectionRequest,
  AttachConnectionInput,
  ConnectionLostSignal,
  EventsDeliveredSignal,
  HubMembershipSignal,
  VendorEventsBatch,
} from '../../src/shared/hub-types';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';

const secret = 'hub-test-secret-0123';

async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Outcome = ReceivedBatch | Error;

/** An in-memory vendor: `next()` waits for what the test pushes to the session, and honours abort. */
class FakeVendor implements ChatProvider {
  readonly name = 'fake';
  readonly profile: VendorProfile = {
    transport: 'longPoll',
    receiveIntervalMs: 0,
    keepAliveEveryMs: null,
    silenceLimitMs: 40_000,
    outboundSequence: true,
    afterReconnect: { restartsSequence: true, replaysTranscript: true },
  };
  /** Every receive, in order. */
  readonly calls: Array<{ session: string; cursor: JsonObject }> = [];
  /** What happened, in order, across sessions (next-start, next-end, close). */
  readonly timeline: string[] = [];
  private readonly queued = new Map<string, Outcome[]>();
  private readonly wake = new Map<string, () => void>();
  private readonly inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();
  /** How long a receive takes to end after its abort (a request winding down). */
  abortDelayMs = 0;
  /** When each keep-alive was sent (ms), with `profile.keepAliveEveryMs` set by a test. */
  readonly keepAlivesAt: number[] = [];
  async keepAlive(): Promise<void> {
    this.keepAlivesAt.push(Date.now());
  }

  connect(credentials: JsonObject): VendorConnection {
    const session = credentials.session as string;
    return {
      next: (cursor, signal) => this.next(session, cursor, signal),
      close: () => this.timeline.push(`close ${session}`),
    };
  }

  push(session: string, outcome: Outcome): void {
    const list = this.queued.get(session) ?? [];
    list.push(outcome);
    this.queued.set(session, list);
    this.wake.get(session)?.();
  }

  pushEvents(session: string, events: BridgeEvent[], cursor: JsonObject): void {
    this.push(session, { events, cursor });
  }

  receiving(session: string): number {
    return this.inFlight.get(session) ?? 0;
  }

  callsOf(session: string) {
    return this.calls.filter((c) => c.session === session);
  }

  private async next(session: string, cursor: JsonObject, signal: AbortSignal): Promise<ReceivedBatch> {
    const now = (this.inFlight.get(session) ?? 0) + 1;
    this.inFlight.set(session, now);
    this.maxInFlight.set(session, Math.max(this.maxInFlight.get(session) ?? 0, now));
    this.calls.push({ session, cursor });
    this.timeline.push(`next ${session}`);
    try {
      for (;;) {
        if (signal.aborted) {
          if (this.abortDelayMs > 0) await new Promise((r) => setTimeout(r, this.abortDelayMs));
          throw signal.reason ?? new Error('aborted');
        }
        const outcome = this.queued.get(session)?.shift();
        if (outcome instanceof Error) throw outcome;
        if (outcome) return outcome;
        await new Promise<void>((resolve) => {
          const done = () => {
            signal.removeEventListener('abort', done);
            this.wake.delete(session);
            resolve();
          };
          this.wake.set(session, done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      this.inFlight.set(session, (this.inFlight.get(session) ?? 1) - 1);
      this.timeline.push(`next-end ${session}`);
    }
  }

  // The hub only receives; the rest of the seam is not used here.
  open(): never {
    throw new Error('not used');
  }
  send(): never {
    throw new Error('not used');
  }
  reconnect(): never {
    throw new Error('not used');
  }
  sessionKeyOf(credentials: JsonObject): string {
    return String(credentials.session);
  }
}

type Recorded =
  | { kind: 'vendorEvents'; workflowId: string; signal: VendorEventsBatch; deliveredKeys: string[] }
  | { kind: 'handover'; workflowId: string; signal: HandoverSignal }
  | { kind: 'eventsDelivered'; workflowId: string; signal: EventsDeliveredSignal }
  | { kind: 'connectionLost'; workflowId: string; signal: ConnectionLostSignal; receiving: number };

/** Records what the hub tells sessions; can fail the next vendorEvents calls or report a session gone. */
class RecordingSignals implements SessionSignals {
  /** Chats whose workflow has closed, as `<workflowId>/<chatUid>`. */
  closedChats = new Set<string>();
  async isRunning(workflowId: string, chatUid: string): Promise<boolean> {
    return !this.closedChats.has(`${workflowId}/${chatUid}`);
  }

  readonly recorded: Recorded[] = [];
  readonly vendorEventsAttempts: VendorEventsBatch[] = [];
  failVendorEvents = 0;
  goneSessions = new Set<string>();

  constructor(
    private readonly vendor: FakeVendor,
    private readonly receiver: () => WebhookReceiver,
  ) {}

  /** Batches the session refuses as stale (it moved on to another attachment), by first index. */
  staleFirstIndexes = new Set<number>();

  async vendorEvents(workflowId: string, signal: VendorEventsBatch): Promise<BatchOutcome> {
    this.vendorEventsAttempts.push(structuredClone(signal));
    if (this.goneSessions.has(workflowId)) throw new SessionGoneError(`${workflowId} not found`);
    if (this.failVendorEvents > 0) {
      this.failVendorEvents -= 1;
      throw new Error('frontend unavailable');
    }
    if (this.staleFirstIndexes.has(signal.firstIndex)) return 'stale';
    if (this.backlogFull > 0) {
      this.backlogFull -= 1;
      return 'backlogFull';
    }
    const deliveredKeys = this.receiver().deliveries.map((d) => d.idempotencyKey);
    this.recorded.push({ kind: 'vendorEvents', workflowId, signal: structuredClone(signal), deliveredKeys });
    // Answers as the session does: the hub delivers what it offered to, unless told the lane has it.
    const recordedThrough = signal.firstIndex + signal.events.length - 1;
    const deliverThrough = signal.hubDelivers && !this.laneDelivers.has(workflowId) ? recordedThrough : -1;
    return { recordedThrough, deliverThrough };
  }

  /** The next batches the session answers "my backlog is full". */
  backlogFull = 0;

  /** Sessions that answer every batch "my delivery lane delivers it". */
  laneDelivers = new Set<string>();

  async eventsDelivered(workflowId: string, signal: EventsDeliveredSignal): Promise<void> {
    this.recorded.push({ kind: 'eventsDelivered', workflowId, signal });
  }

  /** What each session answers an adoption with: its new attachment, null (refused) or an error. */
  adoptAnswers = new Map<string, Array<AttachConnectionInput | null | Error>>();
  readonly adoptRequests: Array<{ workflowId: string; request: AdoptConnectionRequest }> = [];

  async adoptConnection(
    workflowId: string,
    request: AdoptConnectionRequest,
  ): Promise<AttachConnectionInput | null> {
    this.adoptRequests.push({ workflowId, request });
    const answers = this.adoptAnswers.get(workflowId) ?? [];
    const answer = answers.length > 1 ? answers.shift()! : (answers[0] ?? null);
    if (answer instanceof Error) throw answer;
    return answer;
  }

  async handover(workflowId: string, signal: HandoverSignal): Promise<void> {
    this.recorded.push({ kind: 'handover', workflowId, signal });
  }

  async connectionLost(workflowId: string, signal: ConnectionLostSignal): Promise<void> {
    this.recorded.push({
      kind: 'connectionLost',
      workflowId,
      signal,
      receiving: this.vendor.receiving(workflowId),
    });
  }

  of<K extends Recorded['kind']>(kind: K, workflowId?: string): Array<Extract<Recorded, { kind: K }>> {
    return this.recorded.filter(
      (r): r is Extract<Recorded, { kind: K }> =>
        r.kind === kind && (workflowId === undefined || r.workflowId === workflowId),
    );
  }
}

function isHubUnavailable(err: unknown): boolean {
  return err instanceof ApplicationFailure && err.type === HubFailure.unavailable;
}

describe('ConnectionHub (fake vendor, recording signals, loopback webhook)', function () {
  this.timeout(20_000);

  let receiver: WebhookReceiver;
  let dispatcher: Agent;
  let vendor: FakeVendor;
  let signals: RecordingSignals;
  let hub: ConnectionHub;
  let logs: Array<{ level: string; message: string }>;

  function makeHub(
    extra: {
      reportMembership?: MembershipReporter;
      malformedAttemptsLimit?: number;
      ownerCheckEveryMs?: number;
    } = {},
  ) {
    return new ConnectionHub({
      hubId: 'hub-1',
      hubTaskQueue: 'hub-1-queue',
      providers: new ProviderRegistry([vendor]),
      signals,
      webhook: { dispatcher, secret, timeoutMs: 2_000 },
      malformedAttemptsLimit: extra.malformedAttemptsLimit ?? 3,
      meter: noopMetricMeter,
      ...(extra.reportMembership ? { reportMembership: extra.reportMembership } : {}),
      ...(extra.ownerCheckEveryMs ? { ownerCheckEveryMs: extra.ownerCheckEveryMs } : {}),
      log: (level, message) => logs.push({ level, message }),
    });
  }

  function attachInput(over: Partial<AttachConnectionInput> = {}): AttachConnectionInput {
    const sessionWorkflowId = over.sessionWorkflowId ?? 'wf-1';
    return {
      sessionWorkflowId,
      sessionUid: `uid-${sessionWorkflowId}`,
      provider: 'fake',
      credentials: { session: sessionWorkflowId },
      cursor: { ack: 0 },
      generation: 0,
      epoch: 1,
      nextEventIndex: 5,
      delivery: { webhookUrl: receiver.url, customerId: 'c1' },
      ...over,
    };
  }

  beforeEach(async () => {
    receiver = await WebhookReceiver.start(secret);
    dispatcher = new Agent({ keepAliveTimeout: 1_000 });
    vendor = new FakeVendor();
    signals = new RecordingSignals(vendor, () => receiver);
    logs = [];
    hub = makeHub();
  });

  afterEach(async () => {
    await hub.fence('test over');
    await receiver.close();
    await dispatcher.close();
  });

  it('keep-alives: at once on a first attach, then on schedule across links replaced in place faster than the interval', async () => {
    (vendor.profile as { keepAliveEveryMs: number | null }).keepAliveEveryMs = 300;
    await hub.attach(attachInput({ epoch: 1 }));
    await waitUntil('the first keep-alive', () => vendor.keepAlivesAt.length === 1, 200);
    // Replaced in place every 100 ms (a flaky webhook hands delivery back and forth): still every 300 ms.
    const started = Date.now();
    for (let epoch = 2; epoch <= 12; epoch += 1) {
      await hub.attach(attachInput({ epoch }));
      await pause(100);
    }
    const spell = Date.now() - started;
    const sent = vendor.keepAlivesAt.length - 1;
    assert.ok(sent >= Math.floor(spell / 300) - 1, `${sent} keep-alives in ${spell} ms of re-attaches`);
    const gaps = vendor.keepAlivesAt.slice(1).map((t, i) => t - vendor.keepAlivesAt[i]!);
    assert.ok(Math.max(...gaps) < 450, `gaps ${gaps.join(', ')} ms`);
    assert.ok(Math.min(...gaps) > 250, `never sooner than the interval: ${gaps.join(', ')} ms`);
  });

  it('delivers a batch to the webhook before signalling it, named <uid>:<index> from nextEventIndex', async () => {
    const result = await hub.attach(attachInput({ generation: 2, epoch: 4 }));
    assert.deepEqual(result, { hubId: 'hub-1', hubTaskQueue: 'hub-1-queue' });
    assert.equal(hub.size, 1);
    await waitUntil('first receive', () => vendor.calls.length === 1);
    assert.deepEqual(vendor.calls[0]!.cursor, { ack: 0 }, 'receives from the cursor the session recorded');

    vendor.pushEvents(
      'wf-1',
      [
        { kind: 'agentConnected', agentName: 'Ann' },
        { kind: 'messageReceived', text: 'hello' },
      ],
      { ack: 2 },
    );
    await waitUntil('vendorEvents', () => signals.of('vendorEvents').length === 1);
    const [told] = signals.of('vendorEvents');
    assert.equal(told!.workflowId, 'wf-1');
    const s = told!.signal;
    assert.equal(s.hubId, 'hub-1');
    assert.equal(s.epoch, 4);
    assert.equal(s.generation, 2);
    assert.equal(s.firstIndex, 5);
    assert.deepEqual(
      s.events.map((e) => [e.id, e.index, e.event.kind]),
      [
        ['uid-wf-1:5', 5, 'agentConnected'],
        ['uid-wf-1:6', 6, 'messageReceived'],
      ],
    );
    assert.deepEqual(s.cursor, { ack: 2 });
    assert.equal(s.deliveredThrough, -1, 'this attachment delivered nothing before');
    assert.equal(s.hubDelivers, true);
    assert.deepEqual(told!.deliveredKeys, [], 'nothing reaches the channel before the session recorded it');
    await waitUntil('delivered after recording', () => receiver.deliveries.length === 2);
    assert.deepEqual(
      receiver.deliveries.map((d) => d.idempotencyKey),
      ['uid-wf-1:5', 'uid-wf-1:6'],
    );
    const body = receiver.deliveries[1]!.body;
    assert.equal(body.sessionId, 'wf-1');
    assert.equal(body.customerId, 'c1');
    // The body names the event as the session records it, without the receive time (a redelivery
    // after a crash must carry the same body).
    const { at: _at, ...named } = s.events[1]!;
    assert.deepEqual(body.event, named);

    // Acknowledged only now: the next receive carries the cursor the signal carried.
    await waitUntil('second receive', () => vendor.calls.length === 2);
    assert.deepEqual(vendor.calls[1]!.cursor, { ack: 2 });

    // An empty batch moves the cursor without a signal; the next batch continues the numbering.
    vendor.pushEvents('wf-1', [], { ack: 3 });
    await waitUntil('third receive', () => vendor.calls.length === 3);
    assert.deepEqual(vendor.calls[2]!.cursor, { ack: 3 });
    assert.equal(signals.of('vendorEvents').length, 1);
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 4 });
    await waitUntil('second vendorEvents', () => signals.of('vendorEvents').length === 2);
    const second = signals.of('vendorEvents')[1]!.signal;
    assert.equal(second.firstIndex, 7);
    assert.equal(second.events[0]!.id, 'uid-wf-1:7');
    assert.equal(second.deliveredThrough, 6, 'the next batch confirms what the last one delivered');
    assert.equal(signals.of('eventsDelivered').length, 0, 'no signal of its own while batches carry it');
  });

  it('a failed signal is retried with the same batch; the vendor is not asked again until it succeeded', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    signals.failVendorEvents = 1;
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'once' }], { ack: 1 });
    await waitUntil('first attempt', () => signals.vendorEventsAttempts.length === 1);
    assert.equal(vendor.calls.length, 1, 'no receive while the batch is not recorded');
    await waitUntil('accepted', () => signals.of('vendorEvents').length === 1);
    assert.equal(signals.vendorEventsAttempts.length, 2);
    assert.deepEqual(
      signals.vendorEventsAttempts[1],
      signals.vendorEventsAttempts[0],
      'the retry is the same batch',
    );
    await waitUntil('second receive', () => vendor.calls.length === 2);
    assert.deepEqual(vendor.calls[1]!.cursor, { ack: 1 }, 'the new cursor only after the signal succeeded');
    assert.equal(
      receiver.deliveries.length,
      1,
      'the webhook got the event once; only the signal was retried',
    );
    assert.ok(logs.some((l) => l.level === 'warn' && /could not signal/.test(l.message)));
  });

  it('a link stopped while its signal keeps failing ends without acknowledging: the next holder starts from the old cursor', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    signals.failVendorEvents = Number.POSITIVE_INFINITY;
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'unrecorded' }], { ack: 1 });
    await waitUntil('two attempts', () => signals.vendorEventsAttempts.length >= 2);
    assert.equal(await hub.detach('wf-1', 1), true);
    const attempts = signals.vendorEventsAttempts.length;
    await pause(500);
    assert.equal(signals.vendorEventsAttempts.length, attempts, 'a stopped link stops retrying');
    assert.equal(vendor.calls.length, 1, 'and never asked the vendor past the unrecorded batch');
    assert.equal(hub.size, 0);

    // The session re-attaches from the cursor it recorded; the vendor sends the batch again, same ids.
    signals.failVendorEvents = 0;
    await hub.attach(attachInput({ epoch: 2 }));
    await waitUntil('receive of the new link', () => vendor.calls.length === 2);
    assert.deepEqual(vendor.calls[1]!.cursor, { ack: 0 });
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'unrecorded' }], { ack: 1 });
    await waitUntil('recorded', () => signals.of('vendorEvents').length === 1);
    const told = signals.of('vendorEvents')[0]!.signal;
    assert.equal(told.epoch, 2);
    assert.equal(told.events[0]!.id, signals.vendorEventsAttempts[0]!.events[0]!.id);
  });

  it('a batch the session refuses as stale ends the link without acknowledging it to the vendor', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    signals.staleFirstIndexes.add(5);
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('link ended', () => hub.size === 0);
    assert.equal(vendor.calls.length, 1, 'the vendor was not asked again with the unrecorded cursor');
    assert.equal(signals.of('vendorEvents').length, 0);
  });

  it('a session gone while its batch is signalled ends the link without retrying', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    signals.goneSessions.add('wf-1');
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('link ended', () => hub.size === 0);
    assert.equal(signals.vendorEventsAttempts.length, 1);
    assert.equal(vendor.calls.length, 1);
    assert.ok(vendor.timeline.includes('close wf-1'));
  });

  it('lets go of a connection whose chat workflow closed (terminated), and only that one', async () => {
    await hub.fence('replaced');
    hub = makeHub({ ownerCheckEveryMs: 50 });
    await hub.attach(attachInput());
    await hub.attach(attachInput({ sessionWorkflowId: 'wf-2' }));
    await waitUntil('both receive', () => vendor.calls.length === 2);
    signals.closedChats.add('wf-1/uid-wf-1');
    await waitUntil('the orphaned link ended', () => hub.size === 1);
    assert.ok(vendor.timeline.includes('close wf-1'));
    assert.ok(!vendor.timeline.includes('close wf-2'), 'the live chat keeps its connection');
    assert.equal(signals.recorded.length, 0, 'nobody is told: the workflow is gone');
  });

  it('attaching the same session again stops the old link before the new one receives', async () => {
    await hub.attach(attachInput({ epoch: 1 }));
    await waitUntil('first receive', () => vendor.receiving('wf-1') === 1);
    await hub.attach(attachInput({ epoch: 2, cursor: { ack: 9 }, nextEventIndex: 12 }));
    await waitUntil('second receive', () => vendor.calls.length === 2);
    assert.equal(vendor.maxInFlight.get('wf-1'), 1, 'never two receives in flight for one session');
    assert.deepEqual(vendor.timeline, ['next wf-1', 'next-end wf-1', 'close wf-1', 'next wf-1']);
    assert.deepEqual(vendor.calls[1]!.cursor, { ack: 9 });
    assert.equal(hub.size, 1);

    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 10 });
    await waitUntil('vendorEvents', () => signals.of('vendorEvents').length === 1);
    const told = signals.of('vendorEvents')[0]!.signal;
    assert.equal(told.epoch, 2);
    assert.equal(told.firstIndex, 12);
    assert.equal(signals.of('connectionLost').length, 0, 'a replaced link tells nobody');

    assert.equal(await hub.detach('wf-1', 1), false, 'a late detach of the old attachment does nothing');
    assert.equal(hub.size, 1);
    assert.equal(await hub.detach('wf-1', 2), true);
    assert.equal(hub.size, 0);
    assert.equal(vendor.receiving('wf-1'), 0, 'detach returns after the request ended');
    assert.equal(await hub.detach('wf-1'), false);
  });

  it('concurrent attaches of one session (an attach retried while the first still runs) leave one link', async () => {
    await hub.attach(attachInput({ epoch: 1 }));
    await waitUntil('first receive', () => vendor.receiving('wf-1') === 1);
    await Promise.all([hub.attach(attachInput({ epoch: 2 })), hub.attach(attachInput({ epoch: 3 }))]);
    await pause(100);
    assert.deepEqual(
      vendor.timeline,
      ['next wf-1', 'next-end wf-1', 'close wf-1', 'next wf-1', 'next-end wf-1', 'close wf-1', 'next wf-1'],
      'each attach replaced the one before it, in arrival order',
    );
    assert.equal(vendor.maxInFlight.get('wf-1'), 1, 'never two receives in flight for one session');
    assert.equal(vendor.receiving('wf-1'), 1);
    assert.equal(hub.size, 1);
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('vendorEvents', () => signals.of('vendorEvents').length >= 1);
    await pause(100);
    assert.deepEqual(
      signals.of('vendorEvents').map((r) => r.signal.epoch),
      [3],
      'the last attach holds the connection',
    );
    await hub.fence('done');
    assert.equal(vendor.receiving('wf-1'), 0, 'no orphaned link keeps receiving');
  });

  it('a detach issued while its attach is still in progress lets go once the attach is done', async () => {
    let releaseReport!: () => void;
    const reportGate = new Promise<void>((resolve) => (releaseReport = resolve));
    hub = makeHub({ reportMembership: new MembershipReporter(() => reportGate, 1) });
    const attaching = hub.attach(attachInput({ epoch: 4 }));
    await pause(20); // the attach waits for the lease workflow to record it
    const detaching = hub.detach('wf-1', 4);
    releaseReport();
    await attaching;
    assert.equal(await detaching, true);
    await pause(50);
    assert.equal(hub.size, 0);
    assert.equal(vendor.receiving('wf-1'), 0, 'the released session is not held on');
  });

  it('holds many sessions side by side', async () => {
    await hub.attach(attachInput({ sessionWorkflowId: 'wf-a' }));
    await hub.attach(attachInput({ sessionWorkflowId: 'wf-b', nextEventIndex: 0 }));
    await waitUntil('both receive', () => vendor.receiving('wf-a') === 1 && vendor.receiving('wf-b') === 1);
    vendor.pushEvents('wf-b', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('wf-b told', () => signals.of('vendorEvents', 'wf-b').length === 1);
    assert.equal(signals.of('vendorEvents', 'wf-b')[0]!.signal.events[0]!.id, 'uid-wf-b:0');
    assert.equal(signals.of('vendorEvents', 'wf-a').length, 0);
    assert.equal(hub.size, 2);
  });

  it('handoverRequired → a handover signal with the attach generation, and the link ends', async () => {
    await hub.attach(attachInput({ generation: 3, epoch: 7 }));
    await waitUntil('first receive', () => vendor.calls.length === 1);
    vendor.push(
      'wf-1',
      ApplicationFailure.create({ type: FailureType.handoverRequired, message: 'affinity moved (503)' }),
    );
    await waitUntil('handover', () => signals.of('handover').length === 1);
    const [handover] = signals.of('handover');
    assert.equal(handover!.workflowId, 'wf-1');
    assert.equal(handover!.signal.generation, 3);
    assert.match(handover!.signal.reason ?? '', /affinity moved/);
    await waitUntil('link ended', () => hub.size === 0);
    await pause(300);
    assert.equal(vendor.calls.length, 1, 'no receive with the failed credential');
    assert.ok(vendor.timeline.includes('close wf-1'));
    assert.equal(signals.of('connectionLost').length, 0);
  });

  it('sessionGone → connectionLost reason sessionGone for the attach epoch', async () => {
    await hub.attach(attachInput({ epoch: 3 }));
    await waitUntil('first receive', () => vendor.calls.length === 1);
    vendor.push(
      'wf-1',
      ApplicationFailure.create({ type: FailureType.sessionGone, message: 'session expired' }),
    );
    await waitUntil('connectionLost', () => signals.of('connectionLost').length === 1);
    const lost = signals.of('connectionLost')[0]!.signal;
    assert.deepEqual(lost, {
      hubId: 'hub-1',
      epoch: 3,
      chatUid: 'uid-wf-1',
      reason: 'sessionGone',
      message: 'session expired',
    });
    await waitUntil('link ended', () => hub.size === 0);
    assert.equal(vendor.calls.length, 1);
  });

  it('connectionConflict → connectionLost reason conflict', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    vendor.push('wf-1', ApplicationFailure.create({ type: FailureType.connectionConflict, message: '409' }));
    await waitUntil('connectionLost', () => signals.of('connectionLost').length === 1);
    assert.equal(signals.of('connectionLost')[0]!.signal.reason, 'conflict');
  });

  it('transient failures are retried from the same cursor', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    vendor.push('wf-1', ApplicationFailure.create({ type: FailureType.vendorUnavailable, message: '502' }));
    vendor.push('wf-1', new Error('socket hang up'));
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('vendorEvents', () => signals.of('vendorEvents').length === 1);
    assert.deepEqual(
      vendor.calls.slice(0, 3).map((c) => c.cursor),
      [{ ack: 0 }, { ack: 0 }, { ack: 0 }],
    );
    assert.equal(signals.of('connectionLost').length, 0);
  });

  it('a malformed body is retried, and after malformedAttemptsLimit → connectionLost failed (VendorMalformedResponse)', async () => {
    await hub.attach(attachInput({ epoch: 2 }));
    await waitUntil('first receive', () => vendor.calls.length === 1);
    const malformed = () =>
      ApplicationFailure.create({
        type: FailureType.malformedResponse,
        message: 'bad body',
        nonRetryable: false,
      });
    vendor.push('wf-1', malformed());
    await waitUntil('retried', () => vendor.calls.length === 2);
    assert.equal(signals.recorded.length, 0, 'one malformed body is retried, not reported');
    vendor.push('wf-1', malformed());
    vendor.push('wf-1', malformed());
    await waitUntil('connectionLost', () => signals.of('connectionLost').length === 1, 8_000);
    assert.equal(vendor.calls.length, 3, `${3} attempts, the limit`);
    assert.ok(vendor.calls.every((c) => (c.cursor as { ack: number }).ack === 0));
    const lost = signals.of('connectionLost')[0]!.signal;
    assert.equal(lost.reason, 'failed');
    assert.equal(lost.failureType, FailureType.malformedResponse);
    assert.equal(lost.epoch, 2);
    assert.match(lost.message, /after 3 attempts/);
    await waitUntil('link ended', () => hub.size === 0);
  });

  it('a good receive in between resets the malformed count', async () => {
    hub = makeHub({ malformedAttemptsLimit: 2 });
    const malformed = () =>
      ApplicationFailure.create({ type: FailureType.malformedResponse, message: 'bad' });
    await hub.attach(attachInput());
    vendor.push('wf-1', malformed());
    vendor.pushEvents('wf-1', [], { ack: 1 });
    vendor.push('wf-1', malformed());
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 2 });
    await waitUntil('vendorEvents', () => signals.of('vendorEvents').length === 1, 8_000);
    assert.equal(signals.of('connectionLost').length, 0);
  });

  it('a failed webhook delivery → the rest is handed back to the session, and later batches are not delivered directly', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('first batch', () => signals.of('vendorEvents').length === 1);
    await waitUntil('first delivered', () => receiver.deliveries.length === 1);

    await receiver.down();
    vendor.pushEvents(
      'wf-1',
      [
        { kind: 'messageReceived', text: 'a' },
        { kind: 'messageReceived', text: 'b' },
      ],
      { ack: 3 },
    );
    await waitUntil('second batch', () => signals.of('vendorEvents').length === 2);
    const failed = signals.of('vendorEvents')[1]!.signal;
    assert.equal(failed.firstIndex, 6);
    assert.equal(failed.deliveredThrough, 5, 'carries what the first batch delivered');
    assert.deepEqual(failed.cursor, { ack: 3 }, 'the batch is still recorded and acknowledged');
    await waitUntil('handed back', () => signals.of('eventsDelivered').length === 1);
    assert.deepEqual(signals.of('eventsDelivered')[0]!.signal, {
      hubId: 'hub-1',
      epoch: 1,
      deliveredThrough: 5,
      handBack: true,
      chatUid: 'uid-wf-1',
    });
    assert.ok(logs.some((l) => /webhook delivery failed/.test(l.message)));

    await receiver.up();
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'c' }], { ack: 4 });
    await waitUntil('third batch', () => signals.of('vendorEvents').length === 3);
    const later = signals.of('vendorEvents')[2]!.signal;
    assert.equal(later.firstIndex, 8);
    assert.equal(later.hubDelivers, false, 'left to the session: nothing overtakes an undelivered event');
    assert.deepEqual(
      receiver.deliveries.map((d) => d.idempotencyKey),
      ['uid-wf-1:5'],
    );
  });

  it('an attach without delivery only signals', async () => {
    await hub.attach(attachInput({ delivery: null }));
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('vendorEvents', () => signals.of('vendorEvents').length === 1);
    assert.equal(signals.of('vendorEvents')[0]!.signal.hubDelivers, false);
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 2 });
    await waitUntil('second vendorEvents', () => signals.of('vendorEvents').length === 2);
    assert.equal(receiver.deliveries.length, 0);
  });

  it('an attachment with events to redeliver posts them first, under their keys, before any new batch', async () => {
    const old = (index: number): SessionEvent => ({
      id: `uid-wf-1:${index}`,
      index,
      at: new Date().toISOString(),
      event: { kind: 'messageReceived', text: `unconfirmed ${index}` },
    });
    await hub.attach(attachInput({ nextEventIndex: 7, redeliver: [old(5), old(6)] }));
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('all three delivered', () => receiver.deliveries.length === 3);
    assert.deepEqual(
      receiver.deliveries.map((d) => d.idempotencyKey),
      ['uid-wf-1:5', 'uid-wf-1:6', 'uid-wf-1:7'],
    );
    // Confirmed by the next batch (the first one may have been recorded while the redelivery ran).
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 2 });
    await waitUntil('second batch', () => signals.of('vendorEvents').length === 2);
    assert.equal(signals.of('vendorEvents')[1]!.signal.deliveredThrough, 7);
  });

  it('a session whose backlog is full: the batch is neither acknowledged nor delivered, and is offered again later', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    signals.backlogFull = 1;
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'held by the vendor' }], { ack: 1 });
    await waitUntil('refused once', () => signals.vendorEventsAttempts.length === 1);
    // The fake vendor resends what the cursor has not acknowledged, like Live Agent.
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'held by the vendor' }], { ack: 1 });
    await waitUntil('offered again', () => signals.of('vendorEvents').length === 1, 10_000);
    assert.deepEqual(vendor.calls[1]!.cursor, { ack: 0 }, 'received again from the same cursor');
    assert.equal(signals.of('vendorEvents')[0]!.signal.firstIndex, 5, 'under the same index');
    await waitUntil('delivered once', () => receiver.deliveries.length === 1);
  });

  it('a batch the session refuses as stale never reaches the channel', async () => {
    await hub.attach(attachInput());
    await waitUntil('first receive', () => vendor.calls.length === 1);
    signals.staleFirstIndexes.add(5);
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'refused' }], { ack: 1 });
    await waitUntil('link ended', () => hub.size === 0);
    assert.equal(signals.vendorEventsAttempts.length, 1);
    assert.equal(receiver.deliveries.length, 0, 'its key may name another event in the session');
    assert.equal(vendor.calls.length, 1, 'and it is not acknowledged to the vendor');
  });

  it('the session answering "my lane delivers it" → the hub delivers nothing and stops offering', async () => {
    signals.laneDelivers.add('wf-1');
    await hub.attach(attachInput());
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 1 });
    await waitUntil('vendorEvents', () => signals.of('vendorEvents').length === 1);
    vendor.pushEvents('wf-1', [{ kind: 'agentTyping' }], { ack: 2 });
    await waitUntil('second vendorEvents', () => signals.of('vendorEvents').length === 2);
    assert.equal(signals.of('vendorEvents')[1]!.signal.hubDelivers, false);
    assert.equal(receiver.deliveries.length, 0);
  });

  it('a chatEnded from the vendor ends the link after it is signalled', async () => {
    await hub.attach(attachInput());
    vendor.pushEvents('wf-1', [{ kind: 'chatEnded', reason: 'agent' }], { ack: 1 });
    await waitUntil('link ended', () => hub.size === 0);
    assert.equal(signals.of('vendorEvents').length, 1);
    assert.equal(vendor.calls.length, 1);
    assert.equal(signals.of('connectionLost').length, 0);
    assert.deepEqual(
      receiver.deliveries.map((d) => d.idempotencyKey),
      ['uid-wf-1:5'],
    );
    // No later batch will confirm it, and the session waits for the confirmation before it completes.
    assert.deepEqual(signals.of('eventsDelivered')[0]?.signal, {
      hubId: 'hub-1',
      epoch: 1,
      deliveredThrough: 5,
      handBack: false,
      chatUid: 'uid-wf-1',
    });
  });

  it('drain() stops every link, then signals connectionLost(draining) to each; attach afterwards throws HubUnavailable', async () => {
    await hub.attach(attachInput({ sessionWorkflowId: 'wf-a', epoch: 1 }));
    await hub.attach(attachInput({ sessionWorkflowId: 'wf-b', epoch: 6 }));
    await waitUntil('both receive', () => vendor.receiving('wf-a') === 1 && vendor.receiving('wf-b') === 1);
    const closed = hub.whenClosed();
    await hub.drain('worker shutting down');
    assert.equal(hub.state, 'closed');
    assert.equal(await closed, 'closed');
    assert.equal(hub.size, 0);
    const lost = signals.of('connectionLost');
    assert.deepEqual(
      lost
        .map((l) => [l.workflowId, l.signal.epoch, l.signal.reason, l.signal.message, l.signal.hubId])
        .sort(),
      [
        ['wf-a', 1, 'draining', 'worker shutting down', 'hub-1'],
        ['wf-b', 6, 'draining', 'worker shutting down', 'hub-1'],
      ],
    );
    for (const l of lost) assert.equal(l.receiving, 0, `${l.workflowId} told only after its request ended`);
    for (const id of ['wf-a', 'wf-b']) {
      const timeline = vendor.timeline.filter((t) => t.endsWith(id));
      assert.deepEqual(timeline, [`next ${id}`, `next-end ${id}`, `close ${id}`]);
    }
    await assert.rejects(hub.attach(attachInput({ sessionWorkflowId: 'wf-c' })), isHubUnavailable);
    assert.equal(vendor.callsOf('wf-c').length, 0);
    await hub.drain('again'); // a second drain is a no-op
    assert.equal(signals.of('connectionLost').length, 2);
  });

  it('fence() stops every link and signals nothing; attach afterwards throws HubUnavailable', async () => {
    await hub.attach(attachInput({ sessionWorkflowId: 'wf-a' }));
    await hub.attach(attachInput({ sessionWorkflowId: 'wf-b' }));
    await waitUntil('both receive', () => vendor.receiving('wf-a') === 1 && vendor.receiving('wf-b') === 1);
    await hub.fence('lease lost');
    assert.equal(hub.state, 'fenced');
    assert.equal(await hub.whenClosed(), 'fenced');
    assert.equal(vendor.receiving('wf-a') + vendor.receiving('wf-b'), 0);
    assert.ok(vendor.timeline.includes('close wf-a') && vendor.timeline.includes('close wf-b'));
    await pause(100);
    assert.equal(signals.recorded.length, 0, 'the lease workflow re-homes: the hub tells nobody');
    assert.ok(logs.some((l) => l.level === 'warn' && /fenced: lease lost/.test(l.message)));
    await assert.rejects(hub.attach(attachInput({ sessionWorkflowId: 'wf-c' })), isHubUnavailable);
    await assert.rejects(
      hub.drain('late').then(() => hub.attach(attachInput())),
      isHubUnavailable,
    );
  });

  it('an unknown provider fails the attach and holds nothing', async () => {
    await assert.rejects(
      hub.attach(attachInput({ provider: 'nope' })),
      (err: unknown) => err instanceof ApplicationFailure && err.type === FailureType.unknownProvider,
    );
    assert.equal(hub.size, 0);
  });

  it('a drain while a re-attach waits for the old link to end fails that attach (HubUnavailable), not hangs', async () => {
    const reports: HubMembershipSignal[] = [];
    hub = makeHub({ reportMembership: new MembershipReporter(async (c) => void reports.push(c), 5) });
    await hub.attach(attachInput({ epoch: 1 }));
    await waitUntil('first receive', () => vendor.receiving('wf-1') === 1);
    vendor.abortDelayMs = 100;
    const reattach = hub.attach(attachInput({ epoch: 2 }));
    reattach.catch(() => undefined);
    await pause(10); // the old link is winding down
    await hub.drain('worker shutting down');
    const outcome = await Promise.race([
      reattach.then(
        () => 'attached',
        (err: unknown) => (isHubUnavailable(err) ? 'HubUnavailable' : String(err)),
      ),
      pause(3_000).then(() => 'still waiting'),
    ]);
    assert.equal(outcome, 'HubUnavailable');
    assert.equal(hub.size, 0);
    assert.equal(vendor.calls.length, 1, 'no new connection on a closed hub');
  });

  it('reports membership before the first receive, and the detach after the link ended', async () => {
    const reports: HubMembershipSignal[] = [];
    const receivesAtReport: number[] = [];
    const reporter = new MembershipReporter(async (change) => {
      receivesAtReport.push(vendor.calls.length);
      reports.push(change);
    }, 10);
    hub = makeHub({ reportMembership: reporter });
    await hub.attach(attachInput());
    assert.deepEqual(reports, [{ attached: ['wf-1'], detached: [] }]);
    assert.deepEqual(receivesAtReport, [0], 'on the lease list before any request');
    vendor.push('wf-1', ApplicationFailure.create({ type: FailureType.sessionGone, message: 'gone' }));
    await waitUntil('detach reported', () => reports.length === 2);
    assert.deepEqual(reports[1], { attached: [], detached: ['wf-1'] });
  });
  it('adopts a lost hub session: listed on the lease first, then receives from the cursor the session returned', async () => {
    const reports: HubMembershipSignal[] = [];
    const receivesAtReport: number[] = [];
    hub = makeHub({
      reportMembership: new MembershipReporter(async (change) => {
        receivesAtReport.push(vendor.calls.length);
        reports.push(change);
      }, 1),
    });
    signals.adoptAnswers.set('wf-1', [attachInput({ epoch: 9, cursor: { ack: 41 }, nextEventIndex: 12 })]);
    assert.equal(await hub.adopt('wf-1', 'hub-dead'), 'adopted');
    assert.deepEqual(signals.adoptRequests, [
      { workflowId: 'wf-1', request: { fromHubId: 'hub-dead', hubId: 'hub-1', hubTaskQueue: 'hub-1-queue' } },
    ]);
    assert.deepEqual(reports, [{ attached: ['wf-1'], detached: [] }]);
    assert.deepEqual(receivesAtReport, [0], 'on the lease list before any request');
    await waitUntil('receives', () => vendor.calls.length === 1);
    assert.deepEqual(vendor.calls[0]!.cursor, { ack: 41 });
    vendor.pushEvents('wf-1', [{ kind: 'messageReceived', text: 'back' }], { ack: 42 });
    await waitUntil('recorded', () => signals.of('vendorEvents').length === 1);
    const batch = signals.of('vendorEvents')[0]!.signal;
    assert.equal(batch.epoch, 9, 'under the attachment the session issued');
    assert.equal(batch.firstIndex, 12);
    assert.equal(await hub.adopt('wf-1', 'hub-dead'), 'held', 'a second offer changes nothing');
    assert.equal(vendor.maxInFlight.get('wf-1'), 1);
  });

  it('a refused adoption holds nothing and is taken off the lease list', async () => {
    const reports: HubMembershipSignal[] = [];
    hub = makeHub({ reportMembership: new MembershipReporter(async (c) => void reports.push(c), 1) });
    assert.equal(await hub.adopt('wf-1', 'hub-dead'), 'refused');
    await waitUntil('detach reported', () => reports.some((r) => r.detached.includes('wf-1')));
    assert.equal(hub.size, 0);
    assert.equal(vendor.calls.length, 0);
  });

  it('asks again after an unknown outcome (same request): an accepted adoption is honoured', async () => {
    signals.adoptAnswers.set('wf-1', [new Error('deadline exceeded'), attachInput({ epoch: 3 })]);
    assert.equal(await hub.adopt('wf-1', 'hub-dead'), 'adopted');
    assert.equal(signals.adoptRequests.length, 2);
    assert.deepEqual(signals.adoptRequests[0]!.request, signals.adoptRequests[1]!.request);
    await waitUntil('receives', () => vendor.receiving('wf-1') === 1);
  });

  it('an adoption the session accepted for a vendor this worker lacks sends it to attach anywhere', async () => {
    signals.adoptAnswers.set('wf-1', [attachInput({ epoch: 5, provider: 'other-vendor' })]);
    assert.equal(await hub.adopt('wf-1', 'hub-dead'), 'refused');
    const [lost] = signals.of('connectionLost', 'wf-1');
    assert.equal(lost!.signal.epoch, 5, 'names the accepted attachment, so the session lets it go');
    assert.equal(lost!.signal.reason, 'draining');
    assert.equal(hub.size, 0);
  });

  it('a draining hub adopts nothing (HubUnavailable)', async () => {
    await hub.drain('stopping');
    await assert.rejects(hub.adopt('wf-1', 'hub-dead'), isHubUnavailable);
    assert.equal(signals.adoptRequests.length, 0);
  });
});
