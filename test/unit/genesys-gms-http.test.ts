// The GMS HTTP client against a loopback server: form-encoded POSTs to the service URL, the envelope
// parsed, statuses other than 200 typed (v2 answers its own errors with 200), bad bodies malformed.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { Agent } from 'undici';
import { GmsHttpClient } from '../../src/providers/genesys-gms/http-client';
import { FailureType } from '../../src/shared/failure-types';

describe('GMS HTTP client (loopback server)', () => {
  const seen: Array<{ url: string; type: string | undefined; apikey: string | undefined; body: string }> = [];
  let answer: { status: number; body: string } = { status: 200, body: '{"statusCode":0}' };
  let server: Server;
  let client: GmsHttpClient;
  const dispatcher = new Agent();

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          url: req.url ?? '',
          type: req.headers['content-type'],
          apikey: req.headers.apikey as string | undefined,
          body,
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    client = new GmsHttpClient(
      {
        serviceUrl: `http://127.0.0.1:${port}/genesys/2/chat/customer-support/`,
        requestTimeoutMs: 2_000,
        maxBodyBytes: 1024,
        apiKey: 'gw-key',
      },
      dispatcher,
    );
  });
  after(async () => {
    server.close();
    await dispatcher.close();
  });
  beforeEach(() => (seen.length = 0));

  const failureOf = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ApplicationFailure);
    return { type: err.type, message: err.message };
  };

  it('POSTs the form to the service URL with the apikey header and returns the envelope', async () => {
    answer = {
      status: 200,
      body: '{"statusCode":0,"chatId":"c1","alias":"117","nextPosition":2,"extra":true}',
    };
    const reply = await client.call(
      'refresh',
      '/c1/refresh',
      '/{chatId}/refresh',
      'transcriptPosition=1',
      AbortSignal.timeout(5_000),
    );
    assert.equal(reply.statusCode, 0);
    assert.equal(reply.nextPosition, 2);
    assert.deepEqual(seen, [
      {
        url: '/genesys/2/chat/customer-support/c1/refresh',
        type: 'application/x-www-form-urlencoded',
        apikey: 'gw-key',
        body: 'transcriptPosition=1',
      },
    ]);
  });

  it('a status other than 200 is typed by the status, naming the body by size and digest only', async () => {
    answer = { status: 503, body: 'card 4111 1111 1111 1111' };
    const unavailable = await failureOf(
      client.call('send', '/c1/send', '/{chatId}/send', '', AbortSignal.timeout(5_000)),
    );
    assert.equal(unavailable.type, FailureType.vendorUnavailable);
    assert.doesNotMatch(unavailable.message, /4111/);
    answer = { status: 401, body: 'bad apikey' };
    assert.equal(
      (await failureOf(client.call('send', '/c1/send', '/{chatId}/send', '', AbortSignal.timeout(5_000))))
        .type,
      FailureType.requestRejected,
    );
  });

  it('a body that is not the envelope, or too large, is malformed', async () => {
    for (const body of [
      'not json',
      '{"statusCode":7}',
      JSON.stringify({ statusCode: 0, pad: 'x'.repeat(2_000) }),
    ]) {
      answer = { status: 200, body };
      const failure = await failureOf(
        client.call('refresh', '/c1/refresh', '/{chatId}/refresh', '', AbortSignal.timeout(5_000)),
      );
      assert.equal(failure.type, FailureType.malformedResponse, body.slice(0, 20));
    }
  });
});
