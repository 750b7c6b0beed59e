// Production connections: the worker and a client reach Temporal over TLS with a private CA and a client
// certificate (mTLS), configured only through TEMPORAL_TLS_* variables. The dev server speaks plain gRPC,
// so an mTLS-terminating proxy (node:tls, ALPN h2) stands in front of it, as a secured cluster's
// frontend would; it refuses clients without a certificate signed by its CA.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ChatSessions } from '../../src/client';
import { temporalConnectionOptions } from '../../src/config/temporal-connection';
import { ConfigError } from '../../src/config/worker-config';
import { createBridgeWorker } from '../../src/create-worker';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import { testWorkerEnv, uniqueCustomer, sessionInput } from '../helpers/bridge-harness';
import { fastSimSettings, onlySessionId } from '../helpers/live-agent-fixture';
import { devServerEnv } from '../helpers/temporal-envs';
import { workflowBundle } from '../helpers/workflow-bundle';

/** A CA, a server certificate for localhost and a client certificate, made with openssl in a temp dir. */
function makeCertificates(): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chat-bridge-tls-'));
  const file = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  // X.509 v3 (extensions) for both: rustls refuses v1 certificates.
  writeFileSync(
    file('server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const who of ['server', 'client']) {
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${who === 'server' ? 'localhost' : 'chat-bridge-worker'}`,
      '-keyout',
      file(`${who}.key`),
      '-out',
      file(`${who}.csr`),
    );
    ssl(
      'x509',
      '-req',
      '-in',
      file(`${who}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-out',
      file(`${who}.pem`),
      '-extfile',
      file(`${who}.ext`),
    );
  }
  return {
    ca: file('ca.pem'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
  };
}

/** mTLS in front, plain gRPC (HTTP/2 with prior knowledge) behind. */
async function startMtlsProxy(
  certs: ReturnType<typeof makeCertificates>,
  target: string,
): Promise<TlsServer> {
  const [host, port] = [
    target.slice(0, target.lastIndexOf(':')),
    Number(target.slice(target.lastIndexOf(':') + 1)),
  ];
  const server = createTlsServer(
    {
      key: readFileSync(certs.serverKey),
      cert: readFileSync(certs.serverCert),
      ca: readFileSync(certs.ca),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (socket) => {
      const upstream = netConnect(port, host === 'localhost' ? '127.0.0.1' : host);
      socket.pipe(upstream).pipe(socket);
      const close = () => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('Temporal over mTLS (dev server behind a TLS proxy)', function () {
  this.timeout(120_000);
  let proxy: TlsServer | undefined;
  let sim: LiveAgentSimulator | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    await sim?.close();
  });

  it('a worker and a client configured with TEMPORAL_TLS_CA/CERT/KEY run a chat; without the client certificate the connection is refused', async () => {
    const env = await devServerEnv();
    const certs = makeCertificates();
    proxy = await startMtlsProxy(certs, env.address);
    const address = `localhost:${(proxy.address() as AddressInfo).port}`;
    sim = await LiveAgentSimulator.start(fastSimSettings);
    const tls = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TLS_CA: certs.ca,
      TEMPORAL_TLS_CERT: certs.clientCert,
      TEMPORAL_TLS_KEY: certs.clientKey,
    };
    const config = testWorkerEnv(sim.url, tls);
    const worker = await createBridgeWorker(config, {
      hubLease: false,
      workflowBundle: await workflowBundle(),
    });
    const connection = await Connection.connect(temporalConnectionOptions(config));
    try {
      const sessions = new ChatSessions(new Client({ connection }), {
        taskQueue: config.CHAT_BRIDGE_TASK_QUEUE,
      });
      await worker.runUntil(async () => {
        const key = uniqueCustomer('tls');
        const handle = await sessions.startOrGet(key, sessionInput(key, undefined));
        const vendorId = await onlySessionId(sim!);
        sim!.accept(vendorId, { agentName: 'Ada' });
        sim!.endChat(vendorId);
        assert.equal((await handle.result()).endReason, 'agent');
      });
    } finally {
      await worker.shutdown();
      await connection.close();
    }

    // The same address without a client certificate: the proxy refuses the handshake.
    await assert.rejects(
      NativeConnection.connect(
        temporalConnectionOptions({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS_CA: certs.ca }),
      ),
    );
  });

  it('bad TLS settings stop the worker at start, naming the variable', () => {
    assert.throws(
      () => testWorkerEnv('http://127.0.0.1:1/chat/rest/', { TEMPORAL_TLS_CERT: '/nonexistent/client.pem' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY: set both/.test(err.message) &&
        /TEMPORAL_TLS_CERT: cannot read \/nonexistent\/client.pem/.test(err.message),
    );
    assert.throws(
      () =>
        testWorkerEnv('http://127.0.0.1:1/chat/rest/', { TEMPORAL_ADDRESS: 'temporal.example.test:7233' }),
      (err: unknown) => err instanceof ConfigError && /ALLOW_UNENCRYPTED_PAYLOADS=true/.test(err.message),
    );
    assert.doesNotThrow(() =>
      testWorkerEnv('http://127.0.0.1:1/chat/rest/', {
        TEMPORAL_ADDRESS: 'temporal.example.test:7233',
        ALLOW_UNENCRYPTED_PAYLOADS: 'true',
      }),
    );
  });
});
