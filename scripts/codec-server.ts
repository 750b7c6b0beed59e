// `npm run codec-server`: the remote codec server, so the Temporal Web UI and CLI can show encrypted
// payloads. Configured like the worker (PAYLOAD_ENCRYPTION_KEYS) plus CODEC_SERVER_TOKEN; see README.
// `npm run codec-server -- --generate-key [id]` prints a new key entry instead.
import { CodecServer, EncryptionCodec, generateKey, loadCodecServerConfig } from '../src/codec';

async function main(): Promise<number> {
  const at = process.argv.indexOf('--generate-key');
  if (at >= 0) {
    const id = process.argv[at + 1] ?? new Date().toISOString().slice(0, 10);
    console.log(`${id}:${generateKey()}`);
    return 0;
  }
  let config;
  try {
    config = loadCodecServerConfig();
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const codec = new EncryptionCodec(config.PAYLOAD_ENCRYPTION_KEYS);
  const server = await CodecServer.start({
    codec,
    token: config.CODEC_SERVER_TOKEN,
    corsOrigins: config.CODEC_CORS_ORIGINS,
    port: config.CODEC_SERVER_PORT,
    host: config.CODEC_SERVER_HOST,
  });
  console.log(`codec server ${server.url} (POST /encode, /decode; bearer token required)`);
  console.log(
    `  keys ${config.PAYLOAD_ENCRYPTION_KEYS.map((k) => k.id).join(', ')}; encrypting with ${codec.encryptingKeyId}`,
  );
  console.log(`  CORS origins ${config.CODEC_CORS_ORIGINS.join(', ')}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
