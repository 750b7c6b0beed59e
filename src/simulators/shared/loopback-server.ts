// The HTTP server under a simulator: listening before the simulator that answers for it exists, held
// requests never cut by Node's default timeouts, a periodic expiry sweep, and a clean close.
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ListeningServer {
  server: Server;
  /** `http://host:port` of the bound port. */
  origin: string;
  /** Sets who answers; until then every request gets 503. */
  answerWith(listener: RequestListener): void;
}

export async function listenHeld(port: number, host: string): Promise<ListeningServer> {
  // The server exists before the simulator that answers for it; nothing connects before listen() returns.
  let listener: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (listener) listener(req, res);
    else res.writeHead(503).end();
  });
  // Long polls and streams are held by design; Node's default request timeout would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    server,
    origin: `http://${host}:${bound}`,
    answerWith: (l) => {
      listener = l;
    },
  };
}

export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** Sessions also expire lazily on their next request; the sweep keeps stats() honest in between. */
export function startExpirySweep(limitMs: number, sweep: () => void): NodeJS.Timeout {
  const every = Math.min(Math.max(Math.floor(limitMs / 4), 5), 1000);
  const timer = setInterval(sweep, every);
  timer.unref();
  return timer;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A handler that failed: logged, answered 500 if nothing went out yet, else the socket is cut. */
export function answerFailure(
  run: Promise<void>,
  res: ServerResponse,
  name: string,
  failure: { contentType: string; body: string },
): void {
  run.catch((error: unknown) => {
    console.error(`${name}: request failed`, error);
    if (!res.headersSent) res.writeHead(500, { 'content-type': failure.contentType }).end(failure.body);
    else res.destroy();
  });
}
