// Invariant 6 on the dev server: with PAYLOAD_ENCRYPTION_KEYS set, the raw history the server stores
// holds no message text, session key or affinity token (plain or base64), and the codec server — with
// its bearer token — decodes that history for the Web UI.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { temporal } from '@temporalio/proto';
import { formatCodecKeys, generateKey, parseCodecKeys } from '../../src/codec/codec-keys';
import { CodecServer } from '../../src/codec/codec-server';
import { EncryptionCodec, KEY_ID_METADATA } from '../../src/codec/encryption-codec';
import { LiveAgentSimulator } from '../../src/simulators/salesforce-live-agent/live-agent-simulator';
import { WebhookReceiver } from '../../src/webhooks/webhook-receiver';
import {
  eventually,
  sessionInput,
  startBridge,
  testWebhookSecret,
  uniqueCustomer,
} from '../helpers/bridge-harness';
import { fastSimSettings, onlySessionId } from '../helpers/live-agent-fixture';
import { useCleanup, useDevServer } from '../helpers/suite-hooks';

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

/**
 * Sits between the worker and the simulator and records the credentials the client sends
 * (X-LIVEAGENT-SESSION-KEY, X-LIVEAGENT-AFFINITY): the secrets to look for, seen on the wire.
 */
async function credentialRecorder(target: string) {
  const upstream = new URL(target);
  const seen = new Set<string>();
  const server = createServer((req, res) => {
    for (const name of ['x-liveagent-session-key', 'x-liveagent-affinity']) {
      const value = req.headers[name];
      if (typeof value === 'string' && value !== 'null') seen.add(value);
    }
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    res.on('close', () => out.destroy()); // a cancelled long poll ends upstream too
    req.pipe(out);
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Every way `secret` can appear inside base64 text, whatever its byte offset (0, 1 or 2 mod 3). */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [0, 1, 2].map((shift) => {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Drop the group mixing in the prefix and the last group (it depends on what follows).
    const start = shift === 0 ? 0 : 4;
    const fullGroups = Math.floor((shift + bytes.length) / 3);
    return b64.slice(start, fullGroups * 4);
  });
}

interface JsonFailure {
  message?: string;
  encodedAttributes?: JsonPayload;
  applicationFailureInfo?: { type?: string };
}

/** Every failure in the history (activity failures, retried attempts' last failures, causes). */
function collectFailures(node: unknown, out: JsonFailure[] = []): JsonFailure[] {
  if (Array.isArray(node)) node.forEach((n) => collectFailures(n, out));
  else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if ('message' in obj && ('applicationFailureInfo' in obj || 'encodedAttributes' in obj)) {
      out.push(obj as JsonFailure);
    }
    for (const v of Object.values(obj)) collectFailures(v, out);
  }
  return out;
}

/** Payloads of the history (not search attributes, which are plaintext by design), as JSON. */
function collectPayloads(node: unknown, out: JsonPayload[] = []): JsonPayload[] {
  if (Array.isArray(node)) node.forEach((n) => collectPayloads(n, out));
  else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (obj.metadata && typeof obj.metadata === 'object' && 'encoding' in obj.metadata) {
      out.push({
        metadata: obj.metadata as Record<string, string>,
        data: (obj.data as string | undefined) ?? '',
      });
      return out;
    }
    // Search attributes are never encrypted (the server indexes them); a patch marker's details are
    // written by the SDK's core, not the data converter, and hold only the patch id.
    if (obj.markerName === 'core_patch') return out;
    for (const [k, v] of Object.entries(obj)) if (k !== 'searchAttributes') collectPayloads(v, out);
  }
  return out;
}

const b64text = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

describe('payload encryption (dev server)', function () {
  this.timeout(120_000);
  const env = useDevServer();
  const cleanup = useCleanup();

  it('keeps messages, session key and affinity tokens out of raw history; the codec server decodes it', async () => {
    const keys = parseCodecKeys(`old:${generateKey()},new:${generateKey()}`);
    const sim = await LiveAgentSimulator.start(fastSimSettings);
    cleanup(() => sim.close());
    const recorder = await credentialRecorder(sim.url);
    cleanup(recorder.close);
    const webhook = await WebhookReceiver.start(testWebhookSecret);
    cleanup(() => webhook.close());
    const bridge = await startBridge(env(), recorder.url, { PAYLOAD_ENCRYPTION_KEYS: formatCodecKeys(keys) });
    cleanup(() => bridge.worker.shutdown());

    const customerText = `secret-text-${randomUUID()}`;
    const laterText = `secret-text-${randomUUID()}`;
    const agentText = `agent-secret-${randomUUID()}`;
    const key = uniqueCustomer('enc');
    let workflowId = '';
    let vendorAffinity = '';
    await bridge.run(async () => {
      const handle = await bridge.sessions.startOrGet(key, sessionInput(key, webhook.url));
      workflowId = handle.workflowId;
      const vendorId = await onlySessionId(sim);
      sim.accept(vendorId, { agentName: 'Ada' });
      await eventually(async () =>
        (await bridge.sessions.state(key)).status === 'chatting' ? true : undefined,
      );
      // One refused send: its failure message (quoting the vendor's answer) lands in history as the
      // retried activity's last failure, and must be encrypted like a payload.
      sim.injectFault({ kind: 'status', status: 500, count: 1, path: 'Chasitor/ChatMessage' });
      await bridge.sessions.send(key, { clientMessageId: 'c1', text: customerText });
      sim.sendAgentMessage(vendorId, agentText);
      await webhook.waitFor(() =>
        webhook.uniqueEvents().some((e) => e.event.kind === 'messageReceived' && e.event.text === agentText),
      );
      // A failover rotates the affinity token: the new one must stay out of history too.
      sim.failover(vendorId);
      await eventually(async () => ((await bridge.sessions.state(key)).handovers === 1 ? true : undefined));
      await bridge.sessions.send(key, { clientMessageId: 'c2', text: laterText });
      vendorAffinity = sim.session(vendorId).affinityToken;
      sim.endChat(vendorId);
      assert.equal((await handle.result()).endReason, 'agent');
      assert.deepEqual(
        sim.session(vendorId).chasitorMessages.map((m) => m.text),
        [customerText, laterText],
      );
    });

    // The raw history, straight from the server's API (no data converter involved).
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await env().connection.workflowService.getWorkflowExecutionHistory({
        namespace: env().namespace ?? 'default',
        execution: { workflowId },
        nextPageToken,
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    const history = temporal.api.history.v1.History.create({ events });
    const binary = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    const json = JSON.stringify(history); // protobufjs writes bytes as base64, as the UI and CLI show them
    const serialized = [binary.toString('latin1'), json];

    const credentials = [...recorder.seen];
    assert.ok(
      credentials.length >= 3,
      `session key and two affinity tokens seen on the wire (${credentials.length})`,
    );
    assert.ok(recorder.seen.has(vendorAffinity), 'the current affinity token was on the wire');
    // The vendor's session id is a correlation id, readable by design (the ChatVendorSessionId search
    // attribute, like ChatCustomerId); the session key that contains it is a credential and stays hidden.
    const secrets = [customerText, laterText, agentText, ...credentials];
    for (const secret of secrets) {
      for (const form of [secret, ...base64Forms(secret)]) {
        for (const text of serialized) {
          assert.equal(
            text.includes(form),
            false,
            `raw history contains a secret (${secret.slice(0, 6)}…) as "${form.slice(0, 12)}…"`,
          );
        }
      }
    }

    // Failure messages and stack traces are encrypted too; the failure type stays readable.
    const failureText = 'ChatMessage: HTTP 500';
    for (const form of [failureText, 'Simulated 500', ...base64Forms(failureText)]) {
      assert.equal(json.includes(form), false, `raw history holds a failure message as "${form}"`);
    }
    const failures = collectFailures(JSON.parse(json));
    assert.ok(failures.length >= 1, 'the refused send left a failure in history');
    for (const failure of failures) {
      assert.equal(failure.message, 'Encoded failure');
      assert.ok(failure.encodedAttributes, 'message and stack trace moved into an encoded payload');
    }
    assert.ok(failures.some((f) => f.applicationFailureInfo?.type === 'VendorUnavailable'));

    // Every payload is encrypted, with the newest key; a client without the codec cannot read them.
    const payloads = collectPayloads(JSON.parse(json));
    assert.ok(payloads.length >= 10, `history has payloads (${payloads.length})`);
    for (const p of payloads) {
      assert.equal(b64text(p.metadata.encoding), 'binary/encrypted');
      assert.equal(b64text(p.metadata[KEY_ID_METADATA]), 'new');
    }
    await assert.rejects(env().client.workflow.getHandle(workflowId).result(), /binary\/encrypted/);

    // The codec server decodes that history for the Web UI, given the bearer token.
    const token = `codec-${randomUUID()}`;
    const ui = 'http://localhost:8233';
    const codecServer = await CodecServer.start({ codec: new EncryptionCodec(keys), token });
    cleanup(() => codecServer.close());
    const decode = (headers: Record<string, string>) =>
      fetch(`${codecServer.url}/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: ui, ...headers },
        body: JSON.stringify({ payloads }),
      });
    const decoded = await decode({ authorization: `Bearer ${token}` });
    assert.equal(decoded.status, 200);
    assert.equal(decoded.headers.get('access-control-allow-origin'), ui);
    const plain = ((await decoded.json()) as { payloads: JsonPayload[] }).payloads;
    assert.equal(plain.length, payloads.length);
    const plainText = plain.map((p) => b64text(p.data)).join('\n');
    assert.ok(plain.every((p) => b64text(p.metadata.encoding) !== 'binary/encrypted'));
    for (const secret of [customerText, laterText, agentText, failureText])
      assert.ok(plainText.includes(secret), `decoded history has ${secret}`);
    assert.ok(
      credentials.some((c) => plainText.includes(c)),
      'decoded history holds the vendor credentials',
    );

    assert.equal((await decode({})).status, 401, 'no token, no plaintext');
    assert.equal((await decode({ authorization: 'Bearer not-the-token' })).status, 401);
    const preflight = await fetch(`${codecServer.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: ui,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ui);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });
});
