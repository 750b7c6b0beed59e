// One open event stream and the events it buffered that the connection has not handed out yet. It reads
// in the background from the moment it is created until the server closes it, it fails, or `close()`.
import type { TestStreamCredentials } from './config';
import { readEventStream } from './event-stream-reader';
import type { TestStreamHttpClient } from './http-client';
import type { WireStreamEvent } from './wire-schemas';

export class OpenStream {
  /** The id of the last event handed out; starts at the Last-Event-ID the stream was opened with. */
  position: number | null;
  /** Set once reading stopped; `failure` is undefined for a clean close by the server (or by us). */
  finished: { failure: unknown } | undefined;
  private buffer: WireStreamEvent[] = [];
  private readonly controller = new AbortController();
  private wake: (() => void) | undefined;

  constructor(http: TestStreamHttpClient, credentials: TestStreamCredentials, from: number | null) {
    this.position = from;
    void this.read(http, credentials, from);
  }

  /** Nothing left to hand out and nothing more will come. */
  get drained(): boolean {
    return this.finished !== undefined && this.buffer.length === 0;
  }

  /**
   * Everything buffered, waiting for at least one event unless the stream finished. An abort of `signal`
   * rejects with its reason; the caller closes the stream.
   */
  async take(signal: AbortSignal): Promise<WireStreamEvent[]> {
    while (this.buffer.length === 0 && !this.finished) {
      signal.throwIfAborted();
      await new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
    signal.throwIfAborted();
    const batch = this.buffer;
    this.buffer = [];
    return batch;
  }

  /** Aborts the request (the server sees the stream close at once). */
  close(): void {
    this.controller.abort();
  }

  private async read(http: TestStreamHttpClient, credentials: TestStreamCredentials, from: number | null) {
    const signal = this.controller.signal;
    let failure: unknown;
    try {
      const body = await http.openEvents(credentials, from, signal);
      try {
        await readEventStream(body, from, signal, (events) => {
          this.buffer.push(...events);
          this.wake?.();
        });
      } finally {
        // After a goaway or a broken event the rest of the stream is of no use.
        body.destroy();
      }
    } catch (err) {
      // Our own close is not a failure of the vendor.
      if (!signal.aborted) failure = err;
    }
    this.finished = { failure };
    this.wake?.();
  }
}
