// The channel side of the bench: one signed webhook endpoint for the bridge and one for the bare
// relay, both on node:http. It timestamps each delivery the moment its body is complete and keeps,
// per agent message text, the idempotency keys it arrived under (two keys = a duplicate).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { WebhookBody } from '../src/activities';
import { idempotencyHeader, signatureHeader, verifySignature } from '../src/webhooks/signature';

export type SinkRoute = 'bridge' | 'baseline';

export interface Delivery {
  route: SinkRoute;
  idempotencyKey: string;
  body: WebhookBody;
  /** performance.now() when the body had arrived. */
  at: number;
}

export class WebhookSink {
  /** Agent message text → idempotency keys it was delivered under (bridge route only). */
  readonly keysByText = new Map<string, Set<string>>();
  /** Workflow ids whose agentConnected event has been delivered: the session is chatting. */
  readonly connected = new Set<string>();
  rejected = 0;
  deliveries = 0;
  private readonly listeners: Array<(d: Delivery) => void> = [];

  private constructor(
    private readonly server: Server,
    private readonly secret: string,
  ) {}

  static async start(secret: string): Promise<WebhookSink> {
    const server = createServer();
    const sink = new WebhookSink(server, secret);
    server.on('request', (req, res) => {
      readBody(req).then(
        (raw) => res.writeHead(sink.accept(req, raw) ? 204 : 401).end(),
        () => res.writeHead(400).end(),
      );
    });
    server.keepAliveTimeout = 65_000; // the bridge keeps its webhook connections open between events
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return sink;
  }

  url(route: SinkRoute): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/${route}`;
  }

  /** Calls `listener` for every accepted delivery; returns the unsubscribe. */
  onDelivery(listener: (d: Delivery) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(req: IncomingMessage, raw: string): boolean {
    const at = performance.now();
    const verdict = verifySignature(this.secret, raw, req.headers[signatureHeader] as string | undefined);
    if (!verdict.ok) {
      this.rejected += 1;
      return false;
    }
    const route: SinkRoute = req.url?.endsWith('/baseline') ? 'baseline' : 'bridge';
    const delivery: Delivery = {
      route,
      idempotencyKey: String(req.headers[idempotencyHeader]),
      body: JSON.parse(raw) as WebhookBody,
      at,
    };
    this.deliveries += 1;
    const event = delivery.body.event.event;
    if (route === 'bridge') {
      if (event.kind === 'agentConnected') this.connected.add(delivery.body.sessionId);
      if (event.kind === 'messageReceived') {
        const keys = this.keysByText.get(event.text) ?? new Set<string>();
        keys.add(delivery.idempotencyKey);
        this.keysByText.set(event.text, keys);
      }
    }
    for (const listener of [...this.listeners]) listener(delivery);
    return true;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
