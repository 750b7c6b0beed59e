// The receiving side of one test-stream session, held by the hub. The stream is opened lazily and kept
// open across `next` calls; each call hands out everything the stream buffered. The hub passes the
// cursor the session recorded: when it is not where this stream stands (a batch whose commit failed is
// asked for again), the stream is reopened from that cursor, and the server replays from Last-Event-ID.
import type { JsonObject, ReceivedBatch, VendorConnection } from '../chat-provider';
import type { TestStreamCredentials, TestStreamCursor } from './config';
import type { TestStreamHttpClient } from './http-client';
import { OpenStream } from './open-stream';
import { toBridgeEvent } from './to-bridge-event';

export class TestStreamConnection implements VendorConnection {
  private stream: OpenStream | undefined;
  private waiting = false;
  private closed = false;

  constructor(
    private readonly http: TestStreamHttpClient,
    private readonly credentials: TestStreamCredentials,
  ) {}

  async next(cursor: JsonObject, signal: AbortSignal): Promise<ReceivedBatch> {
    if (this.closed) throw new Error('test-stream connection is closed');
    // One stream, one reader: two waiting calls would split a batch between them.
    if (this.waiting) throw new Error('test-stream connection: next() is already waiting');
    signal.throwIfAborted();
    const from = lastEventIdOf(cursor);
    this.waiting = true;
    try {
      return await this.receive(from, signal);
    } finally {
      this.waiting = false;
    }
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private async receive(from: number | null, signal: AbortSignal): Promise<ReceivedBatch> {
    let stream = this.stream;
    if (stream && stream.position !== from) stream = this.drop();
    if (stream?.drained) {
      // Everything before the failure was handed out: now the failure itself (a goaway, a broken
      // event, a dropped connection). After a clean close, reopen.
      const { failure } = stream.finished!;
      stream = this.drop();
      if (failure !== undefined) throw failure;
    }
    if (!stream) stream = this.stream = new OpenStream(this.http, this.credentials, from);
    let events;
    try {
      events = await stream.take(signal);
    } catch (err) {
      // The caller gave up: abort the request, so no stream of ours outlives its interest.
      this.drop();
      throw err;
    }
    const last = events.at(-1);
    if (!last) {
      // Finished with nothing new: a failure is thrown at once, a clean close is an empty batch (the
      // next call reopens).
      const { failure } = stream.finished!;
      this.drop();
      if (failure !== undefined) throw failure;
      return { events: [], cursor: cursorAt(from) };
    }
    stream.position = last.id;
    return { events: events.map(toBridgeEvent), cursor: cursorAt(last.id) };
  }

  private drop(): undefined {
    this.stream?.close();
    this.stream = undefined;
    return undefined;
  }
}

function cursorAt(lastEventId: number | null): TestStreamCursor {
  return { lastEventId };
}

function lastEventIdOf(cursor: JsonObject): number | null {
  const value = (cursor as Partial<TestStreamCursor>).lastEventId;
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`test-stream cursor must have an integer lastEventId, got ${String(value)}`);
  }
  return value;
}
