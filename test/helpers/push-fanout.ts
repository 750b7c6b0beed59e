// What a load balancer in front of the workers does for the CC-Gateway's push callback: the gateway
// knows one URL; each push is offered to the workers in turn until one takes it (retcode "0"). A worker
// that does not hold the agent refuses the push, and a dead one does not answer; either way the next
// worker is asked, and if none takes it the refusal goes back to the gateway, which sends it again.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export class PushFanout {
  /** The workers' push receivers (origin + path), in the order they are offered a push. */
  upstreams: string[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<PushFanout> {
    const server = createServer();
    const fanout = new PushFanout(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fanout.offer(req.headers, Buffer.concat(chunks)).then(({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' }).end(body);
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fanout;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/huawei/push`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async offer(
    headers: NodeJS.Dict<string | string[]>,
    body: Buffer,
  ): Promise<{ status: number; body: string }> {
    let last = { status: 502, body: '{"retcode":"-1","message":"no worker answered"}' };
    for (const upstream of this.upstreams) {
      try {
        const res = await request(upstream, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            service_token: String(headers['service_token'] ?? ''),
            guid: String(headers['guid'] ?? ''),
          },
          body,
          headersTimeout: 5_000,
          bodyTimeout: 5_000,
        });
        const text = await res.body.text();
        last = { status: res.statusCode, body: text };
        if (res.statusCode === 200 && (JSON.parse(text) as { retcode?: string }).retcode === '0') return last;
      } catch {
        // a dead worker: ask the next one
      }
    }
    return last;
  }
}
