// The light message load of a hold, and the latency samples it yields. Five independent Poisson
// streams at the same rate, so the bridge and its floors are sampled side by side under the same load:
//   inbound   agent message on a bridge session → webhook delivery
//   baseline  agent message on a bare-relay session → webhook delivery
//   outbound  sessions.send() on a bridge session → simulator accepted the ChatMessage
//   floorUpdate / floorPost  a no-op update round trip / a bare ChatMessage POST until accepted
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { ChatSessions } from '../src/client';
import type { LiveAgentSimulator } from '../src/simulators/salesforce-live-agent/live-agent-simulator';
import type { BareRelay } from './bare-relay';
import type { EngineFloor } from './engine-floor';
import { sleep } from './progress';
import type { RelayLedger } from './relay-ledger';
import type { SessionFleet } from './session-fleet';
import type { WebhookSink } from './webhook-sink';

export type Stream = 'inbound' | 'baseline' | 'outbound' | 'floorUpdate' | 'floorPost';
export const streams: readonly Stream[] = ['inbound', 'baseline', 'outbound', 'floorUpdate', 'floorPost'];

/**
 * Where agent → channel time goes: `vendorWait` from sendAgentMessage until the simulator answered a
 * poll with it (long when the session had no poll open), `bridgeRelay` from that answer to the webhook.
 */
export type InboundPart = 'vendorWait' | 'bridgeRelay';

export interface StepSamples {
  samples: Record<Stream, number[]>;
  inboundParts: Record<InboundPart, number[]>;
  /** Ticks with no idle session to send from (sends are timed one per session at a time). */
  skipped: Record<Stream, number>;
  errors: Record<Stream, number>;
}

export function emptySamples(): StepSamples {
  const per = <T>(make: () => T) => Object.fromEntries(streams.map((s) => [s, make()])) as Record<Stream, T>;
  return {
    samples: per(() => []),
    inboundParts: { vendorWait: [], bridgeRelay: [] },
    skipped: per(() => 0),
    errors: per(() => 0),
  };
}

/** Prefixes that tell the bench's own texts apart in the webhook and simulator events. */
const tag: Record<'inbound' | 'baseline' | 'outbound' | 'floorPost', string> = {
  inbound: 'bench-in',
  baseline: 'bench-base',
  outbound: 'bench-out',
  floorPost: 'bench-floor',
};

export interface LoadDeps {
  sim: LiveAgentSimulator;
  sink: WebhookSink;
  chat: ChatSessions;
  fleet: SessionFleet;
  relay: BareRelay;
  floor: EngineFloor;
  ledger: RelayLedger;
}

interface Pending {
  t0: number;
  into: number[];
  /** Bridge agent messages only: the session, the step's breakdown, and when a poll carried it out. */
  vendorId?: string;
  parts?: StepSamples['inboundParts'];
  answeredAt?: number;
}

export class MessageLoad {
  /** Text → when it was sent and where its sample goes. */
  private readonly pending = new Map<string, Pending>();
  /** Client calls still running (updates, pings, POSTs): teardown waits for them before closing. */
  private readonly calls = new Set<Promise<unknown>>();
  /** Vendor session → bridge agent texts not yet carried out by a poll answer. */
  private readonly unanswered = new Map<string, Set<Pending>>();

  constructor(private readonly deps: LoadDeps) {
    deps.sink.onDelivery((d) => {
      const event = d.body.event.event;
      if (event.kind === 'messageReceived') this.finish(event.text, d.at);
    });
    deps.sim.on('chasitorMessage', (_sessionId, text) => this.finish(text, performance.now()));
    deps.sim.on('pollClosed', (sessionId, status) => {
      const waiting = status === 200 ? this.unanswered.get(sessionId) : undefined;
      if (!waiting) return;
      this.unanswered.delete(sessionId);
      const now = performance.now();
      for (const p of waiting) p.answeredAt = now;
    });
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** Waits (up to `timeoutMs`) for every client call the load started; a sendMessage update resolves
   * only after the simulator accepted its message, so a timed sample can finish before its call does. */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.calls.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.calls]), sleep(Math.max(1, deadline - Date.now()))]);
    }
    return this.calls.size;
  }

  private track<T>(call: Promise<T>): void {
    const settled = call.then(
      () => undefined,
      () => undefined,
    );
    this.calls.add(settled);
    void settled.then(() => this.calls.delete(settled));
  }

  /** Runs the five streams for `durationMs` at `rate` messages per second each. */
  async run(durationMs: number, rate: number, into: StepSamples): Promise<void> {
    const until = performance.now() + durationMs;
    const stream = async (fire: () => void) => {
      while (performance.now() < until) {
        // Exponential gaps (a Poisson stream): no lock-step bursts between the streams.
        await sleep((-Math.log(1 - Math.random()) / rate) * 1000);
        if (performance.now() < until) fire();
      }
    };
    await Promise.all([
      stream(() => this.agentToBridge(into)),
      stream(() => this.agentToBaseline(into)),
      stream(() => this.customerToBridge(into)),
      stream(() => this.floorUpdate(into)),
      stream(() => this.floorPost(into)),
    ]);
  }

  private agentToBridge(into: StepSamples): void {
    const session = this.deps.fleet.randomReady();
    if (!session?.vendorId) return void (into.skipped.inbound += 1);
    const text = `${tag.inbound}:${randomUUID()}`;
    this.deps.ledger.agentMessage(text);
    const entry: Pending = {
      t0: performance.now(),
      into: into.samples.inbound,
      vendorId: session.vendorId,
      parts: into.inboundParts,
    };
    const waiting = this.unanswered.get(session.vendorId) ?? new Set<Pending>();
    waiting.add(entry);
    this.unanswered.set(session.vendorId, waiting);
    this.pending.set(text, entry);
    try {
      this.deps.sim.sendAgentMessage(session.vendorId, text);
    } catch {
      this.pending.delete(text);
      waiting.delete(entry);
      into.errors.inbound += 1;
    }
  }

  private agentToBaseline(into: StepSamples): void {
    const visitors = this.deps.relay.visitors;
    const visitor = visitors[Math.floor(Math.random() * visitors.length)]!;
    const text = `${tag.baseline}:${randomUUID()}`;
    this.pending.set(text, { t0: performance.now(), into: into.samples.baseline });
    try {
      this.deps.sim.sendAgentMessage(visitor.id, text);
    } catch {
      this.pending.delete(text);
      into.errors.baseline += 1;
    }
  }

  private customerToBridge(into: StepSamples): void {
    const session = this.deps.fleet.randomIdleSender();
    if (!session?.vendorId) return void (into.skipped.outbound += 1);
    const id = randomUUID();
    const text = `${tag.outbound}:${id}`;
    session.sending = true;
    this.deps.ledger.customerMessage(text, session.vendorId);
    this.pending.set(text, { t0: performance.now(), into: into.samples.outbound });
    const call = this.deps.chat
      .send(session.workflowId, { clientMessageId: id, text })
      .catch((err: unknown) => {
        into.errors.outbound += 1;
        this.deps.ledger.sendFailed(err);
      })
      .finally(() => {
        session.sending = false;
      });
    this.track(call);
  }

  private floorUpdate(into: StepSamples): void {
    this.track(
      this.deps.floor.ping().then(
        (ms) => into.samples.floorUpdate.push(ms),
        () => (into.errors.floorUpdate += 1),
      ),
    );
  }

  private floorPost(into: StepSamples): void {
    const visitor = this.deps.relay.idleVisitor();
    if (!visitor) return void (into.skipped.floorPost += 1);
    const text = `${tag.floorPost}:${randomUUID()}`;
    this.pending.set(text, { t0: performance.now(), into: into.samples.floorPost });
    this.track(
      this.deps.relay.postMessage(visitor, text).catch(() => {
        this.pending.delete(text);
        into.errors.floorPost += 1;
      }),
    );
  }

  private finish(text: string, at: number): void {
    const entry = this.pending.get(text);
    if (!entry) return; // a retry of a delivery already timed, or not the bench's text
    this.pending.delete(text);
    entry.into.push(at - entry.t0);
    if (entry.parts && entry.answeredAt !== undefined) {
      entry.parts.vendorWait.push(entry.answeredAt - entry.t0);
      entry.parts.bridgeRelay.push(at - entry.answeredAt);
    }
  }
}
