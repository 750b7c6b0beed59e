// Faults the CC-Gateway simulator can inject on its agent interface, for the chaos soak and tests: an
// HTTP 5xx from the NSLB in front of the gateway, a connection reset before the gateway handled the
// call, an answer cut after it did (the client never hears), slow answers, a body that is not JSON, and
// a rate of random ones. Each count is used up one request at a time.
import type { ServerResponse } from 'node:http';

export interface GatewayFaults {
  /** The next N calls are answered with this HTTP status (503 by default). */
  http5xxNext?: number;
  status?: number;
  /** The next N calls are cut before the gateway handles them. */
  resetNext?: number;
  /** The next N calls (not event polls) are handled, then cut before the answer. */
  dropReplyNext?: number;
  latencyNext?: number;
  latencyMs?: number;
  malformedNext?: number;
  /** Share of calls (0–1) that meet a random 5xx, reset or latency, until set to 0. */
  randomRate?: number;
}

export class GatewayFaultPlan {
  private pending = {
    http5xx: 0,
    status: 503,
    reset: 0,
    dropReply: 0,
    latency: 0,
    latencyMs: 3_000,
    malformed: 0,
    randomRate: 0,
  };
  injected = 0;

  add(faults: GatewayFaults): void {
    const p = this.pending;
    p.http5xx += faults.http5xxNext ?? 0;
    p.reset += faults.resetNext ?? 0;
    p.dropReply += faults.dropReplyNext ?? 0;
    p.latency += faults.latencyNext ?? 0;
    p.malformed += faults.malformedNext ?? 0;
    if (faults.status !== undefined) p.status = faults.status;
    if (faults.latencyMs !== undefined) p.latencyMs = faults.latencyMs;
    if (faults.randomRate !== undefined) p.randomRate = faults.randomRate;
  }

  clear(): void {
    this.pending = {
      ...this.pending,
      http5xx: 0,
      reset: 0,
      dropReply: 0,
      latency: 0,
      malformed: 0,
      randomRate: 0,
    };
  }

  view(): Required<GatewayFaults> {
    const p = this.pending;
    return {
      http5xxNext: p.http5xx,
      status: p.status,
      resetNext: p.reset,
      dropReplyNext: p.dropReply,
      latencyNext: p.latency,
      latencyMs: p.latencyMs,
      malformedNext: p.malformed,
      randomRate: p.randomRate,
    };
  }

  /** Before the gateway handles a call: true when a fault answered (or cut) it already. */
  async before(res: ServerResponse): Promise<boolean> {
    const p = this.pending;
    if (p.randomRate > 0 && Math.random() < p.randomRate) {
      const pick = Math.floor(Math.random() * 3);
      if (pick === 0) p.http5xx += 1;
      else if (pick === 1) p.reset += 1;
      else p.latency += 1;
    }
    if (p.latency > 0) {
      p.latency -= 1;
      this.injected += 1;
      await new Promise((r) => setTimeout(r, p.latencyMs));
    }
    if (p.reset > 0) {
      p.reset -= 1;
      this.injected += 1;
      res.destroy();
      return true;
    }
    if (p.malformed > 0) {
      p.malformed -= 1;
      this.injected += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"retcode":"0","result":{');
      return true;
    }
    if (p.http5xx > 0) {
      p.http5xx -= 1;
      this.injected += 1;
      res.writeHead(p.status, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
      return true;
    }
    return false;
  }

  /** After a call was handled: true when its answer is to be cut (the client never hears). */
  cutAnswer(): boolean {
    if (this.pending.dropReply <= 0) return false;
    this.pending.dropReply -= 1;
    this.injected += 1;
    return true;
  }
}
