// One open event stream on the server side: the response it writes to and its ping timer. The session
// counts it as open until the response closes (the client hung up) or the server ends it.
import type { ServerResponse } from 'node:http';
import { commentFrame } from './sse-frames';

export class SimStream {
  private readonly ping: NodeJS.Timeout;
  private done = false;

  constructor(
    private readonly res: ServerResponse,
    pingMs: number,
    onClose: () => void,
  ) {
    this.ping = setInterval(() => this.write(commentFrame('ping')), pingMs);
    this.ping.unref();
    res.on('close', () => {
      this.stop();
      onClose();
    });
  }

  write(text: string): void {
    if (this.done || this.res.writableEnded || this.res.destroyed) return;
    this.res.write(text);
  }

  /** Ends the response normally (after `ended` or `goaway`): the connection stays usable. */
  end(): void {
    this.stop();
    if (!this.res.writableEnded) this.res.end();
  }

  /** Drops the connection (the simulator is closing). */
  destroy(): void {
    this.stop();
    this.res.destroy();
  }

  private stop(): void {
    this.done = true;
    clearInterval(this.ping);
  }
}
