// The remote codec server over HTTP: the Temporal JSON payload format, bearer auth, CORS for the Web UI.
import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { generateKey } from '../../src/codec/codec-keys';
import { CodecServer, MAX_BODY_BYTES, MAX_PAYLOADS, uiCodecEndpoint } from '../../src/codec/codec-server';
import { loadCodecServerConfig } from '../../src/codec/codec-server-config';
import { EncryptionCodec } from '../../src/codec/encryption-codec';

const token = 'codec-token-0123456789abcdef';
const ui = 'http://localhost:8233';

describe('codec server', () => {
  let server: CodecServer;
  const codec = new EncryptionCodec(`k1:${generateKey()}`);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  before(async () => {
    server = await CodecServer.start({ codec, token });
  });
  after(async () => {
    await server?.close();
  });

  it('encodes and decodes in the Temporal JSON format', async () => {
    const plain = defaultPayloadConverter.toPayload({ text: 'hello' });
    const json = {
      metadata: { encoding: Buffer.from(plain.metadata!.encoding!).toString('base64') },
      data: Buffer.from(plain.data!).toString('base64'),
    };
    const encoded = await post('/encode', { payloads: [json] });
    assert.equal(encoded.status, 200);
    const { payloads } = (await encoded.json()) as {
      payloads: Array<{ metadata: Record<string, string>; data: string }>;
    };
    assert.equal(Buffer.from(payloads[0]!.metadata.encoding!, 'base64').toString(), 'binary/encrypted');
    const decoded = await post('/default/decode', { payloads }, { 'x-namespace': 'default' });
    assert.equal(decoded.status, 200);
    assert.deepEqual(await decoded.json(), { payloads: [json] });
  });

  it('requires the bearer token', async () => {
    for (const headers of [
      { authorization: '' },
      { authorization: 'Bearer wrong-token' },
      { authorization: token },
    ]) {
      const res = await post('/decode', { payloads: [] }, headers);
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    }
  });

  it('treats a body without payloads as an empty list, as the temporal CLI sends it', async () => {
    const res = await post('/encode', {});
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { payloads: [] });
  });

  it('accepts the token as a secret path prefix for a local Web UI, and nothing else in the path', async () => {
    const link = uiCodecEndpoint(server.url, token).slice(server.url.replace(/\/$/, '').length);
    const ok = await post(`${link}/decode`, { payloads: [] }, { authorization: '' });
    assert.equal(ok.status, 200);
    const wrong = await post(
      `/t/${encodeURIComponent('not-the-token-000000')}/decode`,
      { payloads: [] },
      { authorization: '' },
    );
    assert.equal(wrong.status, 401);
  });

  it('answers the Web UI preflight and sets CORS on responses for allowed origins only', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: ui,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-namespace,content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ui);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    const denied = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    const unauthorized = await post('/decode', { payloads: [] }, { origin: ui, authorization: '' });
    assert.equal(unauthorized.headers.get('access-control-allow-origin'), ui, 'the UI can read the 401');
  });

  it('answers bad requests with clear errors', async () => {
    assert.equal((await post('/decode', 'not json')).status, 400);
    assert.equal((await post('/decode', { nope: 1 })).status, 400);
    assert.equal((await post('/elsewhere', { payloads: [] })).status, 404);
    const many = { payloads: Array.from({ length: MAX_PAYLOADS + 1 }, () => ({ metadata: {}, data: '' })) };
    const tooMany = await post('/decode', many);
    assert.equal(tooMany.status, 413);
    assert.match(((await tooMany.json()) as { error: string }).error, /at most 1000 payloads/);
    const huge = await post('/encode', { payloads: [{ metadata: {}, data: 'A'.repeat(MAX_BODY_BYTES) }] });
    assert.equal(huge.status, 413);
    assert.equal(
      (await fetch(`${server.url}/decode`, { headers: { authorization: `Bearer ${token}` } })).status,
      405,
    );
    const foreign = await new EncryptionCodec(`other:${generateKey()}`).encode([
      defaultPayloadConverter.toPayload(1),
    ]);
    const json = {
      metadata: Object.fromEntries(
        Object.entries(foreign[0]!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(foreign[0]!.data!).toString('base64'),
    };
    const res = await post('/decode', { payloads: [json] });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /key id "other"/);
  });

  it('serves a small request while a large one is still being coded', async () => {
    // A codec that costs 2 ms of CPU per payload: 1,000 payloads hold the event loop for 2 s unless
    // the server yields between them.
    let started!: () => void;
    const firstPayload = new Promise<void>((resolve) => (started = resolve));
    const slow = new EncryptionCodec(`k1:${generateKey()}`);
    const slowCodec = {
      async encode(payloads: Parameters<typeof slow.encode>[0]) {
        started();
        const until = performance.now() + 2 * payloads.length;
        while (performance.now() < until);
        return slow.encode(payloads);
      },
      decode: (payloads: Parameters<typeof slow.decode>[0]) => slow.decode(payloads),
    };
    const busy = await CodecServer.start({ codec: slowCodec, token });
    try {
      const call = (count: number) =>
        fetch(`${busy.url}/encode`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
          body: JSON.stringify({
            payloads: Array.from({ length: count }, () => ({ metadata: {}, data: 'AAAA' })),
          }),
        }).then(async (res) => ({
          status: res.status,
          payloads: ((await res.json()) as { payloads: [] }).payloads,
        }));
      const finished: string[] = [];
      const large = call(MAX_PAYLOADS).then((r) => (finished.push('large'), r));
      await firstPayload;
      const small = call(1).then((r) => (finished.push('small'), r));
      const [largeResult, smallResult] = await Promise.all([large, small]);
      assert.deepEqual(finished, ['small', 'large']);
      assert.equal(largeResult.status, 200);
      assert.equal(largeResult.payloads.length, MAX_PAYLOADS);
      assert.equal(smallResult.payloads.length, 1);
    } finally {
      await busy.close();
    }
  });

  it('configuration: defaults, and errors that name the variable; a blank-padded token is refused', async () => {
    const config = loadCodecServerConfig({
      PAYLOAD_ENCRYPTION_KEYS: `k1:${generateKey()}`,
      CODEC_SERVER_TOKEN: token,
    });
    assert.equal(config.CODEC_SERVER_PORT, 8888);
    assert.deepEqual(config.CODEC_CORS_ORIGINS, ['http://localhost:8233', 'http://127.0.0.1:8233']);
    assert.throws(
      () => loadCodecServerConfig({ PAYLOAD_ENCRYPTION_KEYS: 'k1:abc' }),
      (err: Error) => {
        assert.match(
          err.message,
          /PAYLOAD_ENCRYPTION_KEYS: key "k1" is not valid base64|PAYLOAD_ENCRYPTION_KEYS: key "k1" is \d+ bytes/,
        );
        assert.match(err.message, /CODEC_SERVER_TOKEN: .*\(not set\)/);
        return true;
      },
    );
    assert.throws(
      () =>
        loadCodecServerConfig({
          PAYLOAD_ENCRYPTION_KEYS: `k1:${generateKey()}`,
          CODEC_SERVER_TOKEN: ' '.repeat(20),
        }),
      /CODEC_SERVER_TOKEN: must have at least 16 non-blank characters/,
    );
    await assert.rejects(
      CodecServer.start({ codec, token: `${' '.repeat(15)}x` }),
      /at least 16 non-blank characters/,
    );
  });
});
