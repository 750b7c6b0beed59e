// The channel's webhook for the soak: verifies signatures and records every request it accepted,
// retries included, so the audit can tell a retry (same idempotency key) from a duplicate (two keys).
// It can be taken down (connection refused) and made flaky (records the delivery, then answers 503,
// as a channel that stored the message but failed to say so; the bridge must retry with the same key).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookBody } from '../src/activities';
import { idempotencyHeader, signatureHeader, verifySignature } from '../src/webhooks/signature';

export interface Delivery {
  key: string;
  body: WebhookBody;
  at: number;
}

export class ChaosWebhook {
  readonly deliveries: Delivery[] = [];
  rejectedSignatures = 0;
  /** Deliveries recorded and then answered 503 on purpose (flaky mode). */
  answered503 = 0;
  /** Probability of answering 503 after recording a delivery. */
  flakyRate = 0;
  /** While set, every delivery is answered with this status and not recorded (a receiver refusing for good). */
  refuseStatus: number | null = null;
  refused = 0;
  /** Keys refused for good: they become dead letters and arrive, redriven, after later events. */
  readonly refusedKeys = new Set<string>();
  private server: Server | undefined;

  private constructor(
    private readonly secret: string,
    private readonly random: () => number,
    private port = 0,
  ) {}

  static async start(secret: string, random: () => number): Promise<ChaosWebhook> {
    const hook = new ChaosWebhook(secret, random);
    await hook.up();
    return hook;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/chat`;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.refuseStatus !== null) {
          this.refused += 1;
          this.refusedKeys.add(String(req.headers[idempotencyHeader]));
          res.writeHead(this.refuseStatus).end('gone');
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const verdict = verifySignature(this.secret, raw, req.headers[signatureHeader] as string | undefined);
        if (!verdict.ok) {
          this.rejectedSignatures += 1;
          res.writeHead(401).end(verdict.reason);
          return;
        }
        this.deliveries.push({
          key: String(req.headers[idempotencyHeader]),
          body: JSON.parse(raw) as WebhookBody,
          at: Date.now(),
        });
        const flaky = this.flakyRate > 0 && this.random() < this.flakyRate;
        if (flaky) this.answered503 += 1;
        res.writeHead(flaky ? 503 : 204).end();
      });
    });
    // Same port across outages: the workflow keeps the URL it was started with.
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Refuse connections until up(); open keep-alive sockets are cut too. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Deliveries of one session (the body's sessionId is the workflow id), in arrival order. */
  forSession(workflowId: string): Delivery[] {
    return this.deliveries.filter((d) => d.body.sessionId === workflowId);
  }
}
