// Parsing PAYLOAD_ENCRYPTION_KEYS: clear errors that never echo key material.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CodecKeyError, formatCodecKeys, generateKey, parseCodecKeys } from '../../src/codec/codec-keys';
import { loadWorkerConfig } from '../../src/config/worker-config';

const b64 = (n: number) => randomBytes(n).toString('base64');

describe('codec keys', () => {
  it('parses id:base64 entries, newest last, and formats them back', () => {
    const spec = ` old:${generateKey()} , new:${generateKey()} `;
    const keys = parseCodecKeys(spec);
    assert.deepEqual(
      keys.map((k) => k.id),
      ['old', 'new'],
    );
    assert.ok(keys.every((k) => k.key.length === 32));
    assert.deepEqual(parseCodecKeys(formatCodecKeys(keys)), keys);
  });

  it('generateKey gives 32 random bytes', () => {
    assert.equal(Buffer.from(generateKey(), 'base64').length, 32);
    assert.notEqual(generateKey(), generateKey());
  });

  it('names what is wrong without showing the key', () => {
    const cases: Array<[string, RegExp]> = [
      [`short:${b64(16)}`, /key "short" is 16 bytes; AES-256 needs exactly 32/],
      [`bad:${generateKey().slice(0, 40)}!!!!`, /key "bad" is not valid base64/],
      [`dup:${generateKey()},dup:${generateKey()}`, /key id "dup" appears more than once/],
      [generateKey(), /entry 1 is not id:base64key/],
      [`bad id:${generateKey()}`, /entry 1: key id must be/],
      ['', /no keys given/],
    ];
    for (const [spec, expected] of cases) {
      assert.throws(
        () => parseCodecKeys(spec),
        (err: Error) => {
          assert.ok(err instanceof CodecKeyError);
          assert.match(err.message, expected);
          const material = spec.split(':')[1]?.split(',')[0];
          if (material)
            assert.equal(err.message.includes(material), false, 'key material leaked into the error');
          return true;
        },
      );
    }
  });

  it('worker config: optional, validated, blank means off', () => {
    const valid = {
      LIVE_AGENT_URL: 'https://d.example.test/chat/rest/',
      LIVE_AGENT_ORG_ID: '00D000000000001AAA',
      LIVE_AGENT_DEPLOYMENT_ID: '572000000000001AAA',
      LIVE_AGENT_BUTTON_ID: '573000000000001AAA',
      WEBHOOK_SECRET: 'a-secret-of-enough-length',
    };
    assert.equal(loadWorkerConfig(valid).PAYLOAD_ENCRYPTION_KEYS, undefined);
    assert.equal(
      loadWorkerConfig({ ...valid, PAYLOAD_ENCRYPTION_KEYS: ' ' }).PAYLOAD_ENCRYPTION_KEYS,
      undefined,
    );
    const keys = loadWorkerConfig({
      ...valid,
      PAYLOAD_ENCRYPTION_KEYS: `k1:${generateKey()}`,
    }).PAYLOAD_ENCRYPTION_KEYS;
    assert.deepEqual(
      keys?.map((k) => k.id),
      ['k1'],
    );
    const short = b64(31);
    assert.throws(
      () => loadWorkerConfig({ ...valid, PAYLOAD_ENCRYPTION_KEYS: `k1:${short}` }),
      (err: Error) => {
        assert.match(err.message, /PAYLOAD_ENCRYPTION_KEYS: key "k1" is 31 bytes/);
        assert.equal(err.message.includes(short), false);
        return true;
      },
    );
  });
});
