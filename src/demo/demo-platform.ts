// What every demo story runs on: a Temporal dev server with SQLite and its Web UI, a codec server that
// lets the UI decrypt payloads, and the demo's encryption key (kept 0600 in the cache dir, never printed).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CodecServer, EncryptionCodec, generateKey, uiCodecEndpoint } from '../codec';
import { cacheDir } from '../runtime/cache-dir';
import { DevServer } from '../runtime/dev-server';
import { freePort, isPortFree } from '../runtime/free-port';
import { resolveTemporalCli } from '../runtime/resolve-temporal-cli';

export interface DemoPlatform {
  server: DevServer;
  /** Where the demo keeps its key and its worker log. */
  demoDir: string;
  /** PAYLOAD_ENCRYPTION_KEYS for the workers and clients; empty when recording a history fixture. */
  payloadKeys: string;
  webhookSecret: string;
  close(): Promise<void>;
}

export const step = (text: string) => console.log(`\n▶ ${text}`);
export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
    await pause(100);
  }
}

/** `encrypt: false` (a recorded fixture must replay anywhere, without this key). */
export async function startDemoPlatform(options: { encrypt: boolean }): Promise<DemoPlatform> {
  const demoDir = path.join(cacheDir(), 'demo');
  mkdirSync(path.join(cacheDir(), 'dev-server'), { recursive: true });
  mkdirSync(demoDir, { recursive: true });
  // Payload encryption (invariant 6). One demo key kept in the cache dir, so every demo session in the
  // persistent SQLite file stays decodable across runs.
  const keysFile = path.join(demoDir, 'payload-encryption-keys');
  if (!existsSync(keysFile)) writeFileSync(keysFile, `demo:${generateKey()}\n`, { mode: 0o600 });
  const encryptionKeys = process.env.PAYLOAD_ENCRYPTION_KEYS ?? readFileSync(keysFile, 'utf8').trim();
  const payloadKeys = options.encrypt ? encryptionKeys : '';

  step('Temporal dev server (SQLite, Web UI) and its codec server');
  const cli = await resolveTemporalCli({ log: (l) => console.log(`  ${l}`) });
  const port = (await isPortFree(7233)) ? 7233 : 0;
  const uiPort = (await isPortFree(8233)) ? 8233 : await freePort(); // known up front: the codec server's CORS origin
  const codecToken = process.env.CODEC_SERVER_TOKEN ?? randomUUID();
  const codecServer = await CodecServer.start({
    codec: new EncryptionCodec(encryptionKeys),
    token: codecToken,
    corsOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  const server = await DevServer.start({
    cliPath: cli.path,
    port,
    uiPort,
    dbFile: path.join(cacheDir(), 'dev-server', 'temporal.sqlite'),
    // The local UI sends no Authorization header: give it the token as a secret path prefix.
    uiCodecEndpoint: uiCodecEndpoint(codecServer.url, codecToken),
  });
  console.log(
    `  ${server.address}, Web UI ${server.uiUrl}, codec server ${codecServer.url}` +
      (payloadKeys
        ? ` (payloads encrypted, key in ${keysFile})`
        : ' (payloads NOT encrypted: --record-history)'),
  );
  return {
    server,
    demoDir,
    payloadKeys,
    webhookSecret: process.env.WEBHOOK_SECRET ?? randomUUID(),
    async close() {
      await server.stop();
      await codecServer.close();
    },
  };
}
