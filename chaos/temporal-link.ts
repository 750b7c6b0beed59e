// The harness's own Temporal client. A dev-server restart breaks its gRPC channel, so after each
// restart the link opens a fresh Connection; callers always go through `call`, which uses the current
// one and bounds each attempt with a deadline so nothing waits forever on a dead channel.
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { ChatSessions } from '../src/client';

export class TemporalLink {
  private constructor(
    private readonly address: string,
    private readonly taskQueue: string,
    private readonly dataConverter: DataConverter,
    private connection: Connection,
    private current: { client: Client; sessions: ChatSessions },
  ) {}

  /** `dataConverter`: the same payload codec as the workers (sessions run encrypted). */
  static async open(address: string, taskQueue: string, dataConverter: DataConverter): Promise<TemporalLink> {
    const connection = await Connection.connect({ address });
    const clients = TemporalLink.clients(connection, taskQueue, dataConverter);
    return new TemporalLink(address, taskQueue, dataConverter, connection, clients);
  }

  private static clients(connection: Connection, taskQueue: string, dataConverter: DataConverter) {
    const client = new Client({ connection, dataConverter });
    return { client, sessions: new ChatSessions(client, { taskQueue }) };
  }

  get client(): Client {
    return this.current.client;
  }

  get sessions(): ChatSessions {
    return this.current.sessions;
  }

  /** Runs `fn` on the current connection with a deadline; errors go to the caller (who may retry). */
  call<T>(timeoutMs: number, fn: (sessions: ChatSessions, client: Client) => Promise<T>): Promise<T> {
    const { client, sessions } = this.current;
    return this.connection.withDeadline(Date.now() + timeoutMs, () => fn(sessions, client));
  }

  /**
   * After a server restart: new connection for every later call. The old one is left open on purpose:
   * closing it while the SDK's gRPC retry interceptor has a retry pending throws "Channel has been shut
   * down" from a timer (an uncaught exception). Calls still on it finish or hit their deadline.
   */
  async reconnect(): Promise<void> {
    const fresh = await Connection.connect({ address: this.address });
    this.connection = fresh;
    this.current = TemporalLink.clients(fresh, this.taskQueue, this.dataConverter);
  }

  /** Only at the very end, when no call is in flight (the process exits right after). */
  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
