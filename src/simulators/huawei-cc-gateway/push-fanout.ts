// What a load balancer in front of the bridge workers does for the CC-Gateway's push callback (for tests
// and benches with several workers; docs/OPERATIONS.md, "Huawei agent presences"): the gateway
// knows one URL; each push is offered to every worker and answered as soon as one takes it (retcode
// "0"). A worker that does not hold the agent refuses the push, and a dead one does not answer; if none
// takes it the refusal goes back to the gateway, which sends it again.
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

  /** Offered to every worker at once (a worker that does not hold the agent waits, then refuses). */
  private async offer(
    headers: NodeJS.Dict<string | string[]>,
    body: Buffer,
  ): Promise<{ status: number; body: string }> {
    const refusals: Array<{ status: number; body: string }> = [];
    const tries = this.upstreams.map(async (upstream) => {
      const res = await request(upstream, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          service_token: String(headers['service_token'] ?? ''),
          guid: String(headers['guid'] ?? ''),
        },
        body,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const answer = { status: res.statusCode, body: await res.body.text() };
      const ok = answer.status === 200 && (JSON.parse(answer.body) as { retcode?: string }).retcode === '0';
      if (!ok) {
        refusals.push(answer);
        throw new Error('refused');
      }
      return answer;
    });
    try {
      return await Promise.any(tries);
    } catch {
      // none took it (a dead worker does not answer at all)
      return refusals[0] ?? { status: 502, body: '{"retcode":"-1","message":"no worker answered"}' };
    }
  }
}
