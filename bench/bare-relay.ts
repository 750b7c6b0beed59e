// The inbound floor: a bare undici poll-and-forward loop per vendor session, against the same
// simulator, forwarding each agent ChatMessage to the webhook with one signed POST. Its sessions also
// serve the outbound floor's bare ChatMessage POSTs.
import { setMaxListeners } from 'node:events';
import { Agent, request } from 'undici';
import { idempotencyHeader, signPayload, signatureHeader } from '../src/webhooks/signature';
import { BareVisitor, type DeploymentIds } from './bare-visitor';

export interface BareRelayOptions {
  liveAgentUrl: string;
  ids: DeploymentIds;
  webhookUrl: string;
  webhookSecret: string;
  sessions: number;
}

export class BareRelay {
  readonly visitors: BareVisitor[] = [];
  /** Visitors with a POST in flight: each POST carries the next sequence, so they never overlap. */
  private readonly posting = new Set<BareVisitor>();
  private readonly stopper = new AbortController();
  private readonly loops: Array<Promise<void>> = [];
  errors = 0;

  private constructor(
    private readonly options: BareRelayOptions,
    // Same dispatcher shapes as the bridge worker's: keep-alive, no timeouts under the long poll.
    private readonly vendor = new Agent({ keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 }),
    private readonly webhook = new Agent({ keepAliveTimeout: 30_000 }),
  ) {}

  static async start(options: BareRelayOptions): Promise<BareRelay> {
    const relay = new BareRelay(options);
    // Every poll listens on the one stop signal.
    setMaxListeners(options.sessions + 10, relay.stopper.signal);
    for (let i = 0; i < options.sessions; i += 1) {
      const visitor = await BareVisitor.open(
        options.liveAgentUrl,
        relay.vendor,
        options.ids,
        `bare-relay-${i}`,
      );
      relay.visitors.push(visitor);
      relay.loops.push(relay.pollLoop(visitor));
    }
    return relay;
  }

  /** A visitor with no POST in flight, if any. */
  idleVisitor(): BareVisitor | undefined {
    const free = this.visitors.filter((v) => !this.posting.has(v));
    return free[Math.floor(Math.random() * free.length)];
  }

  async postMessage(visitor: BareVisitor, text: string): Promise<void> {
    this.posting.add(visitor);
    try {
      await visitor.post('ChatMessage', { text });
    } finally {
      this.posting.delete(visitor);
    }
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([this.vendor.close(), this.webhook.close()]);
  }

  private async pollLoop(visitor: BareVisitor): Promise<void> {
    let ack = -1;
    while (!this.stopper.signal.aborted) {
      try {
        const batch = await visitor.poll(ack, this.stopper.signal);
        if (!batch) continue;
        ack = batch.sequence;
        for (const [i, m] of batch.messages.entries()) {
          if (m.type === 'ChatMessage')
            await this.forward(visitor.id, `${visitor.id}:${batch.offset}:${i}`, m.message);
        }
      } catch {
        if (this.stopper.signal.aborted) return;
        this.errors += 1;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async forward(sessionId: string, key: string, message: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify({
      sessionId,
      customerId: sessionId,
      event: {
        id: key,
        index: 0,
        at: new Date().toISOString(),
        event: { kind: 'messageReceived', text: message.text },
      },
    });
    const res = await request(this.options.webhookUrl, {
      method: 'POST',
      dispatcher: this.webhook,
      headers: {
        'content-type': 'application/json',
        [idempotencyHeader]: key,
        [signatureHeader]: signPayload(this.options.webhookSecret, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
    await res.body.dump();
  }
}
