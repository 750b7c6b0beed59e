// The shared vendor HTTP helpers against a real loopback server: answers are read within a size cap and
// a total deadline (a slow trickle cannot outlive it), and failures never quote a vendor's body.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { request } from 'undici';
import {
  BodyLimitError,
  describeErrorBody,
  networkFailure,
  readCappedText,
} from '../../src/providers/http/vendor-http';
import { FailureType } from '../../src/shared/failure-types';

describe('vendor HTTP helpers', function () {
  this.timeout(20_000);
  let server: Server;
  let url: string;
  const timers: NodeJS.Timeout[] = [];

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/big') {
        // 8 MiB in 64 KiB chunks: far past the cap.
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const push = () => {
          while (sent < 128) {
            sent += 1;
            if (!res.write(chunk)) return void res.once('drain', push);
          }
          res.end();
        };
        push();
      } else if (req.url === '/trickle') {
        // One byte every 100 ms, never ending on its own.
        res.writeHead(200);
        const t = setInterval(() => res.write('x'), 100);
        timers.push(t);
        res.on('close', () => clearInterval(t));
      } else {
        res.end('{"ok":true}');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    timers.forEach(clearInterval);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads a small answer whole', async () => {
    const res = await request(`${url}/small`);
    assert.equal(await readCappedText(res.body), '{"ok":true}');
  });

  it('stops at the size cap, and an oversized answer is a malformed one (not retried as transient)', async () => {
    const res = await request(`${url}/big`);
    const err = await readCappedText(res.body, { maxBytes: 1024 * 1024, deadlineMs: 10_000 }).catch((e) => e);
    assert.ok(err instanceof BodyLimitError && err.limit === 'size', String(err));
    const failure = networkFailure(err, new AbortController().signal, { provider: 'p', operation: 'op' });
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, FailureType.malformedResponse);
  });

  it('ends a body that trickles past the total deadline (the per-chunk timeout never fires)', async () => {
    const res = await request(`${url}/trickle`, { bodyTimeout: 5_000 });
    const started = Date.now();
    const err = await readCappedText(res.body, { maxBytes: 1024, deadlineMs: 600 }).catch((e) => e);
    assert.ok(err instanceof BodyLimitError && err.limit === 'deadline', String(err));
    assert.ok(Date.now() - started < 3_000, 'ended near the deadline');
    const failure = networkFailure(err, new AbortController().signal, { provider: 'p', operation: 'op' });
    assert.ok(failure instanceof ApplicationFailure);
    assert.equal(failure.type, FailureType.vendorUnavailable);
  });

  it('describes an error body by size and digest, never by its text', () => {
    const echoed = '{"error":"invalid card 4111 1111 1111 1111"}';
    const summary = describeErrorBody(echoed);
    assert.doesNotMatch(summary, /4111|card/);
    assert.match(summary, /^body of 44 bytes, sha256 [0-9a-f]{12}…$/);
    assert.equal(describeErrorBody(''), 'empty body');
  });
});
