// The test-stream client behind the ChatProvider seam: events pushed on a resumable stream, outbound
// requests deduped by idempotency key, a rotated token renewed by `resume` (docs/test-stream-protocol.md).
import type { Dispatcher } from 'undici';
import { FailureType } from '../../shared/failure-types';
import type { OutboundCommand } from '../../shared/session-types';
import type { VendorProfile } from '../../shared/vendor-profile';
import type {
  ChatProvider,
  JsonObject,
  OpenSessionRequest,
  OpenedSession,
  OutboundStamp,
  ReconnectedSession,
  VendorConnection,
} from '../chat-provider';
import { vendorFailure } from '../vendor-failure';
import type { TestStreamConfig, TestStreamCredentials, TestStreamCursor } from './config';
import { providerName, TestStreamHttpClient } from './http-client';
import { TestStreamConnection } from './test-stream-connection';
import type { CreateSessionBody } from './wire-schemas';

export function testStreamProfile(silenceLimitMs: number): VendorProfile {
  return {
    transport: 'eventStream',
    receiveIntervalMs: 0,
    // The open stream is what keeps the session alive; there is no separate keep-alive call.
    keepAliveEveryMs: null,
    silenceLimitMs,
    // Outbound requests are deduped by idempotency key, not numbered.
    outboundSequence: false,
    // The session keeps its events across a rotation: Last-Event-ID resumes exactly, nothing is replayed.
    afterReconnect: { restartsSequence: false, replaysTranscript: false },
  };
}

export class TestStreamProvider implements ChatProvider {
  readonly name = providerName;
  readonly profile: VendorProfile;
  private readonly http: TestStreamHttpClient;

  constructor(config: TestStreamConfig, dispatcher: Dispatcher) {
    this.http = new TestStreamHttpClient(config, dispatcher);
    this.profile = testStreamProfile(config.silenceLimitMs);
  }

  async open(request: OpenSessionRequest, signal: AbortSignal): Promise<OpenedSession> {
    const body: CreateSessionBody = { customerId: request.customerId, visitorName: request.visitorName };
    const routing = request.providerOptions.routing;
    // Passed as given: the server validates it (a bad one is a 400, requestRejected).
    if (routing !== undefined) body.routing = routing as Record<string, string>;
    const created = await this.http.createSession(body, signal);
    const credentials: TestStreamCredentials = { sessionId: created.sessionId, token: created.token };
    const cursor: TestStreamCursor = { lastEventId: null };
    return {
      credentials,
      cursor,
      vendorSessionId: created.sessionId,
      firstSequence: 0,
      profile: this.profile,
    };
  }

  connect(credentials: JsonObject): VendorConnection {
    return new TestStreamConnection(this.http, credentialsOf(credentials));
  }

  async send(
    credentials: JsonObject,
    command: OutboundCommand,
    stamp: OutboundStamp,
    signal: AbortSignal,
  ): Promise<void> {
    const creds = credentialsOf(credentials);
    switch (command.kind) {
      case 'message':
        // A retry carries the same key, so the server stores the message once.
        return this.http.post(
          creds,
          'messages',
          { idempotencyKey: stamp.idempotencyKey, text: command.text },
          signal,
        );
      case 'typing':
        return this.http.post(creds, 'typing', { typing: true }, signal);
      case 'notTyping':
        return this.http.post(creds, 'typing', { typing: false }, signal);
      case 'end':
        return this.http.post(creds, 'end', {}, signal);
      case 'confirmReplay':
        return; // nothing to confirm: reconnect never returns confirmsReplay
      case 'customEvent':
      case 'file':
      case 'updateUserData':
        throw vendorFailure(FailureType.requestRejected, `${command.kind} is not supported`, {
          provider: providerName,
          operation: command.kind,
        });
    }
  }

  /** The old token buys the current one; events stay with the session, so the cursor is unchanged. */
  async reconnect(
    credentials: JsonObject,
    cursor: JsonObject,
    signal: AbortSignal,
  ): Promise<ReconnectedSession> {
    const creds = credentialsOf(credentials);
    const { token } = await this.http.resume(creds, signal);
    const next: TestStreamCredentials = { ...creds, token };
    return { credentials: next, cursor };
  }

  sessionKeyOf(credentials: JsonObject): string {
    return `${providerName}:${credentialsOf(credentials).sessionId}`;
  }
}

function credentialsOf(credentials: JsonObject): TestStreamCredentials {
  const { sessionId, token } = credentials as Partial<TestStreamCredentials>;
  if (typeof sessionId !== 'string' || typeof token !== 'string') {
    throw new Error('test-stream credentials must hold a sessionId and a token');
  }
  return { sessionId, token };
}
