// The bridge sessions under test: started through the product's client helpers, matched to their
// simulator sessions by visitor name, and counted ready once the agent's ChatEstablished has reached
// the webhook (the worker's hub has received it, delivered it and gone back to polling).
import { type ChatSessions, sessionWorkflowId } from '../src/client';
import type { LiveAgentSimulator } from '../src/simulators/salesforce-live-agent/live-agent-simulator';
import { runPool, waitUntil } from './progress';
import type { WebhookSink } from './webhook-sink';

export interface FleetSession {
  workflowId: string;
  customerId: string;
  /** Simulator session id, known after ChasitorInit. */
  vendorId?: string;
  /** A customer message is in flight (sends are timed one at a time per session). */
  sending: boolean;
}

const channel = 'bench';

export class SessionFleet {
  /** Sessions of the capacity ramp, oldest first. */
  readonly sessions: FleetSession[] = [];
  /** Sessions started outside the ramp; they are open too, so per-session costs count them. */
  readonly extraSessions: FleetSession[] = [];
  private readonly byCustomer = new Map<string, FleetSession>();

  constructor(
    private readonly chat: ChatSessions,
    sim: LiveAgentSimulator,
    private readonly sink: WebhookSink,
    private readonly webhookUrl: string,
    private readonly prefix: string,
  ) {
    sim.on('chasitorInit', (vendorId, body) => {
      const session = this.byCustomer.get(body.visitorName);
      if (session) session.vendorId = vendorId;
    });
  }

  /** Start sessions until the ramp holds `target`, and wait until all of them are chatting. */
  async grow(target: number, timeoutMs: number): Promise<void> {
    const fresh: FleetSession[] = [];
    while (this.sessions.length < target) {
      const session = this.create(`${this.prefix}-${this.sessions.length + 1}`);
      this.sessions.push(session);
      fresh.push(session);
    }
    await this.startAll(fresh, timeoutMs);
  }

  /** One session outside the ramp (the busy session of the events-per-message figure). */
  async startExtra(name: string, timeoutMs: number): Promise<FleetSession> {
    const session = this.create(`${this.prefix}-${name}`);
    this.extraSessions.push(session);
    await this.startAll([session], timeoutMs);
    return session;
  }

  get extras(): number {
    return this.extraSessions.length;
  }

  isReady(session: FleetSession): boolean {
    return session.vendorId !== undefined && this.sink.connected.has(session.workflowId);
  }

  randomReady(): FleetSession | undefined {
    const session = this.sessions[Math.floor(Math.random() * this.sessions.length)];
    return session && this.isReady(session) ? session : undefined;
  }

  /** A random ready session with no customer message in flight (a few tries, then none). */
  randomIdleSender(): FleetSession | undefined {
    for (let i = 0; i < 8; i += 1) {
      const session = this.randomReady();
      if (session && !session.sending) return session;
    }
    return undefined;
  }

  private create(customerId: string): FleetSession {
    const session: FleetSession = {
      customerId,
      workflowId: sessionWorkflowId({ channel, customerId }),
      sending: false,
    };
    this.byCustomer.set(customerId, session);
    return session;
  }

  private async startAll(fresh: FleetSession[], timeoutMs: number): Promise<void> {
    // Start RPCs in parallel lanes: fast enough for thousands, without a burst of thousands at once.
    await runPool(fresh, 25, async (session) => {
      await this.chat.startOrGet(
        { channel, customerId: session.customerId },
        {
          provider: 'salesforce-live-agent',
          customerId: session.customerId,
          visitorName: session.customerId,
          webhookUrl: this.webhookUrl,
        },
      );
    });
    await waitUntil(
      `${fresh.length} sessions to be chatting`,
      () => fresh.every((s) => this.isReady(s)),
      timeoutMs,
      200,
    );
  }
}
