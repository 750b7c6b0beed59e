// The callback the gateway POSTs agent events to in push mode (docs/protocols/huawei-cc-gateway.md §6):
// one HTTP endpoint per worker, each POST matched to its agent by `workNo` and checked against the
// agent's `service_token` (compared in constant time), its events handed on oldest first, a repeat of
// an event already handed on dropped, and the gateway answered `{"message":"success","retcode":"0"}`
// only once the agent's listener took the events. A POST for an agent this worker does not hold, with
// a wrong token or a malformed body is refused with a retcode and changes nothing.
//
// The gateway pushes the sign-in's own events (InService, Ready) as soon as it answers the sign-in,
// before the session has attached its connection here: a push for an agent not held yet waits up to
// `awaitListenerMs` for its listener, so those events are taken on the first try instead of relying on
// the gateway's resend (whose policy Huawei does not document).
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { retcode } from './retcodes';
import { pushBodySchema, type AgentEvent } from './wire-schemas';

export interface PushListener {
  serviceToken: string;
  /** Takes the agent's new events (oldest first); a rejection makes the gateway send them again. */
  onEvents(events: AgentEvent[]): Promise<void> | void;
}

/** How many recent event keys per agent are remembered to drop a repeated push. */
const seenPerAgent = 512;
const maxBodyBytes = 1024 * 1024;
/** How long a push for an agent not held (yet) waits for its listener before it is refused. */
const defaultAwaitListenerMs = 5_000;

export class PushReceiver {
  private readonly listeners = new Map<string, PushListener>();
  /** Pushes waiting for their agent's listener, by workNo. */
  private readonly awaiting = new Map<string, Set<() => void>>();
  private readonly seen = new Map<string, string[]>();
  awaitListenerMs = defaultAwaitListenerMs;
  /** Pushes answered, refused, and events dropped as repeats. */
  readonly counts = { accepted: 0, refused: 0, repeats: 0 };

  private constructor(
    private readonly server: Server,
    /** Resolves once the server listens (the `url` is known from then on). */
    readonly ready: Promise<void>,
  ) {}

  static async start(port = 0, host = '127.0.0.1'): Promise<PushReceiver> {
    const receiver = PushReceiver.listen(port, host);
    await receiver.ready;
    return receiver;
  }

  /** Starts listening; agents can be registered at once, the URL is known once `ready` resolves. */
  static listen(port = 0, host = '127.0.0.1'): PushReceiver {
    const server = createServer();
    const ready = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    ready.catch(() => undefined); // reported to whoever awaits it (the sign-in)
    const receiver = new PushReceiver(server, ready);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void receiver.handle(req, res));
    return receiver;
  }

  /** The `callBackUri` to sign agents in with. */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}/huawei/push`;
  }

  /** This worker holds the agent: its pushes go to `listener` (a new registration replaces the old). */
  register(workNo: string, listener: PushListener): void {
    this.listeners.set(workNo, listener);
    for (const wake of this.awaiting.get(workNo) ?? []) wake();
  }

  /** Stops `listener` taking the agent's pushes (a newer registration stays). */
  unregister(workNo: string, listener: PushListener): void {
    if (this.listeners.get(workNo) !== listener) return;
    this.listeners.delete(workNo);
    this.seen.delete(workNo);
  }

  close(): Promise<void> {
    for (const waiters of this.awaiting.values()) for (const wake of waiters) wake();
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/huawei/push') {
      return void res.writeHead(404).end();
    }
    let parsed;
    try {
      parsed = pushBodySchema.safeParse(JSON.parse(await readBody(req)));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) return this.refuse(res, retcode.invalidParameter, 'malformed push body');
    const workNo = String(parsed.data.workNo);
    const listener = this.listeners.get(workNo) ?? (await this.listenerSoon(workNo, req));
    if (!listener) return this.refuse(res, retcode.notSignedIn, 'agent not held here');
    const token = req.headers['service_token'];
    if (typeof token !== 'string' || !sameSecret(token, listener.serviceToken)) {
      return this.refuse(res, retcode.signInParameter, 'bad service_token');
    }
    const fresh = this.dropRepeats(workNo, parsed.data.eventList);
    try {
      if (fresh.events.length > 0) await listener.onEvents(fresh.events);
    } catch {
      fresh.forget(); // not taken: the gateway's retry must not be dropped as a repeat
      return this.refuse(res, retcode.internalError, 'events not taken');
    }
    this.counts.accepted += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"success","retcode":"0"}');
  }

  /** The agent's listener once it registers, or undefined after `awaitListenerMs` or a hang-up. */
  private async listenerSoon(workNo: string, req: IncomingMessage): Promise<PushListener | undefined> {
    if (this.awaitListenerMs <= 0 || !this.server.listening) return undefined;
    const waiters = this.awaiting.get(workNo) ?? new Set<() => void>();
    this.awaiting.set(workNo, waiters);
    let wake!: () => void;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.awaitListenerMs);
      wake = () => (clearTimeout(timer), resolve());
      waiters.add(wake);
      req.socket.once('close', wake);
    });
    waiters.delete(wake);
    if (waiters.size === 0) this.awaiting.delete(workNo);
    req.socket.off('close', wake);
    return this.listeners.get(workNo);
  }

  /**
   * The events not handed on before: a push the gateway sends again (its answer was lost) starts with
   * the events handed on last, in the same order; those are dropped (see `repeatedPrefix`).
   */
  private dropRepeats(workNo: string, events: AgentEvent[]): { events: AgentEvent[]; forget(): void } {
    const seen = this.seen.get(workNo) ?? [];
    this.seen.set(workNo, seen);
    const keys = events.map(eventKey);
    const repeated = repeatedPrefix(seen, keys);
    this.counts.repeats += repeated;
    const added = keys.slice(repeated);
    seen.push(...added);
    if (seen.length > seenPerAgent) seen.splice(0, seen.length - seenPerAgent);
    return {
      events: events.slice(repeated),
      forget: () => {
        // Taken back from the tail, where they were added (nothing is handed on meanwhile: one push
        // per agent at a time).
        if (added.length > 0 && seen.slice(-added.length).join() === added.join()) {
          seen.splice(seen.length - added.length, added.length);
        }
      },
    };
  }

  private refuse(res: ServerResponse, code: string, message: string): void {
    this.counts.refused += 1;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ message, retcode: code }));
  }
}

/** An event's identity: when the gateway made it, its type and content [G: the gateway sends no id]. */
/**
 * How many of `keys` (a pushed list, oldest first) repeat the end of `recent` (the keys taken last, in
 * order): the longest prefix of the list that equals the same number of last recent keys. The gateway
 * resends a list whose answer it did not get, so a repeat is always a prefix; two alike events (same
 * time, type and content: two state changes in one millisecond) are kept as two unless a whole run of
 * them repeats the end of what was taken. [G: the gateway sends no event id.]
 */
export function repeatedPrefix(recent: readonly string[], keys: readonly string[]): number {
  for (let k = Math.min(recent.length, keys.length); k > 0; k -= 1) {
    let same = true;
    for (let i = 0; i < k && same; i += 1) same = keys[i] === recent[recent.length - k + i];
    if (same) return k;
  }
  return 0;
}

export function eventKey(event: AgentEvent): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(event.content ?? null))
    .digest('hex')
    .slice(0, 16);
  return `${String(event.eventGenTime ?? '')}:${event.eventType}:${digest}`;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('push body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
