// The AES-256-GCM payload codec: round trip, key rotation, tamper detection, unknown key ids.
import assert from 'node:assert/strict';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { generateKey, parseCodecKeys } from '../../src/codec/codec-keys';
import { clientDataConverter } from '../../src/codec/data-converter';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadDecryptionError,
} from '../../src/codec/encryption-codec';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');
const toPayload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const fromPayload = (p: Payload) => defaultPayloadConverter.fromPayload(p);
const keys = (...ids: string[]) => parseCodecKeys(ids.map((id) => `${id}:${generateKey()}`).join(','));

describe('EncryptionCodec', () => {
  const secret = { key: 'session-key-4f1c', affinityToken: 'aff-77', text: 'secret-text-hello' };

  it('round-trips payloads and leaves nothing readable in the encoded form', async () => {
    const codec = new EncryptionCodec(keys('k1'));
    const [encoded] = await codec.encode([toPayload(secret), toPayload(null)]);
    assert.equal(text(encoded!.metadata!.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(encoded!.metadata![KEY_ID_METADATA]), 'k1');
    assert.deepEqual(Object.keys(encoded!.metadata!).sort(), ['encoding', KEY_ID_METADATA].sort());
    const wire = Buffer.from(encoded!.data!);
    for (const s of [secret.key, secret.text, 'json/plain']) assert.equal(wire.includes(s), false, s);
    const decoded = await codec.decode(await codec.encode([toPayload(secret), toPayload(null)]));
    assert.deepEqual(decoded.map(fromPayload), [secret, null]);
  });

  it('uses a fresh IV per payload', async () => {
    const codec = new EncryptionCodec(keys('k1'));
    const [a, b] = await codec.encode([toPayload('same'), toPayload('same')]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  it('rotates: encrypts with the newest key, still decrypts with older ones', async () => {
    const [oldKey, newKey] = keys('2024-01', '2025-06');
    const before = new EncryptionCodec([oldKey!]);
    const after = new EncryptionCodec([oldKey!, newKey!]);
    assert.equal(after.encryptingKeyId, '2025-06');
    const [written] = await before.encode([toPayload(secret)]);
    assert.deepEqual(fromPayload((await after.decode([written!]))[0]!), secret);
    const [fresh] = await after.encode([toPayload(secret)]);
    assert.equal(text(fresh!.metadata![KEY_ID_METADATA]), '2025-06');
    // Once the old key is retired, its payloads fail with a clear message naming the id.
    const retired = new EncryptionCodec([newKey!]);
    await assert.rejects(
      retired.decode([written!]),
      /key id "2024-01", which is not configured \(configured: 2025-06\)/,
    );
    assert.deepEqual(fromPayload((await retired.decode([fresh!]))[0]!), secret);
  });

  it('detects tampering, truncation and relabelled key ids', async () => {
    const codec = new EncryptionCodec(keys('a', 'b'));
    const [p] = await codec.encode([toPayload(secret)]);
    const flipped = Buffer.from(p!.data!);
    flipped[20] = flipped[20]! ^ 1;
    const truncated = Buffer.from(p!.data!).subarray(0, 20);
    const relabelled = { ...p!, metadata: { ...p!.metadata!, [KEY_ID_METADATA]: Buffer.from('a') } };
    for (const bad of [{ ...p!, data: flipped }, { ...p!, data: truncated }, relabelled]) {
      await assert.rejects(codec.decode([bad]), (err: Error) => {
        assert.ok(err instanceof PayloadDecryptionError);
        assert.match(err.message, /key id "[ab]" failed authentication/);
        return true;
      });
    }
  });

  it('rejects an unknown key id and a missing one', async () => {
    const [p] = await new EncryptionCodec(keys('other')).encode([toPayload(secret)]);
    await assert.rejects(
      new EncryptionCodec(keys('mine')).decode([p!]),
      /key id "other", which is not configured/,
    );
    const noId = { metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) }, data: p!.data! };
    await assert.rejects(new EncryptionCodec(keys('mine')).decode([noId]), /no encryption-key-id metadata/);
  });

  it('passes payloads that were never encrypted through decode unchanged', async () => {
    const plain = toPayload({ before: 'encryption was turned on' });
    assert.deepEqual((await new EncryptionCodec(keys('k')).decode([plain]))[0], plain);
  });

  it('clientDataConverter accepts the PAYLOAD_ENCRYPTION_KEYS string', async () => {
    const spec = `k1:${generateKey()}`;
    const converter = clientDataConverter(spec);
    const [codec] = converter.payloadCodecs!;
    const [p] = await codec!.encode([toPayload('hi')]);
    assert.equal(fromPayload((await new EncryptionCodec(spec).decode([p!]))[0]!), 'hi');
    assert.throws(() => clientDataConverter(''), /no keys given/);
  });
});
