// A reference channel webhook on loopback (the demo, tests and benchmarks use it): it verifies
// signatures, records every delivery, and can be taken down (connection refused) and brought back.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookBody } from '../shared/webhook-body';
import { idempotencyHeader, signatureHeader, verifyDelivery } from './signature';

const maxBodyBytes = 1_000_000;
const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export interface ReceivedDelivery {
  idempotencyKey: string;
  body: WebhookBody;
  receivedAt: number;
  /** W3C trace context the bridge sent when tracing is on. */
  traceparent?: string;
}

export class WebhookReceiver {
  /** Every accepted request, including retries of the same key. */
  readonly deliveries: ReceivedDelivery[] = [];
  readonly rejectedSignatures: string[] = [];
  private server: Server | undefined;
  private waiters: Array<() => void> = [];
  /** While set, every request is answered with this status and nothing is kept (a receiver that refuses). */
  private refusal: number | null = null;
  /** Requests answered with the refusal status. */
  refused = 0;

  private constructor(
    private readonly secret: string,
    public port: number,
  ) {}

  static async start(secret: string, port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret, port);
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/chat`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxBodyBytes) chunks.push(c);
      });
      req.on('end', () => {
        if (this.refusal !== null) {
          this.refused += 1;
          res.writeHead(this.refusal).end('refused');
          return;
        }
        if (size > maxBodyBytes) {
          res.writeHead(413).end(`body larger than ${maxBodyBytes} bytes`);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const verdict = verifyDelivery(this.secret, raw, {
          signature: header(req.headers[signatureHeader]),
          idempotencyKey: header(req.headers[idempotencyHeader]),
        });
        if (!verdict.ok) {
          this.rejectedSignatures.push(verdict.reason);
          res.writeHead(/signature/.test(verdict.reason) ? 401 : 400).end(verdict.reason);
          return;
        }
        // Every accepted request is kept, retries included: tests count them by key.
        this.deliveries.push({
          idempotencyKey: verdict.key,
          body: verdict.body,
          receivedAt: Date.now(),
          ...(typeof req.headers.traceparent === 'string' ? { traceparent: req.headers.traceparent } : {}),
        });
        res.writeHead(204).end();
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Answer every request with `status` (e.g. 410: the receiver will never take it), or accept again (null). */
  refuseWith(status: number | null): void {
    this.refusal = status;
  }

  /** Stop accepting connections: deliveries fail until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Distinct events, first delivery of each key, in arrival order. */
  uniqueEvents(): WebhookBody['event'][] {
    const seen = new Set<string>();
    const out: WebhookBody['event'][] = [];
    for (const d of this.deliveries) {
      if (seen.has(d.idempotencyKey)) continue;
      seen.add(d.idempotencyKey);
      out.push(d.body.event);
    }
    return out;
  }

  async waitFor(predicate: (r: WebhookReceiver) => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`webhook receiver: condition not met within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    await this.down();
  }
}
