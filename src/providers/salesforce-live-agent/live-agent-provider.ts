// The Live Agent visitor ("chasitor") side behind the ChatProvider seam.
import type { Dispatcher } from 'undici';
import { FailureType } from '../../shared/failure-types';
import { isFailureType, vendorFailure } from '../vendor-failure';
import type { OutboundCommand } from '../../shared/session-types';
import type {
  ChatProvider,
  JsonObject,
  OpenProgress,
  OpenSessionRequest,
  OpenedSession,
  OutboundStamp,
  ReceivedBatch,
  ReconnectedSession,
  ReconnectOptions,
  VendorConnection,
  VendorProfile,
} from '../chat-provider';
import { buildChasitorInit, chasitorInitProblem } from './chasitor-init';
import type { LiveAgentConfig, LiveAgentCredentials, LiveAgentCursor } from './config';
import { LiveAgentHttpClient, providerName } from './http-client';
import { toBridgeEvent } from './to-bridge-event';

/** The first POST (ChasitorInit) carries sequence 1; the session's own POSTs continue from 2. */
export const firstSequenceAfterInit = 2;

/**
 * Live Agent as plain data: one Messages long poll at a time, re-issued at once (the server holds it
 * until events arrive, then 204s), and the open poll is what keeps the session alive (no keep-alive).
 */
export const liveAgentProfile: VendorProfile = {
  transport: 'longPoll',
  receiveIntervalMs: 0,
  keepAliveEveryMs: null,
  // The real limit is per session and partly undocumented. SessionId returns `clientPollTimeout` in
  // seconds (docs/protocols/salesforce-live-agent.md §1.4; 40 in the simulator's default and the wire-schema fixtures), the
  // client's abort threshold for one poll; the session timeout with no poll open is set per Chat
  // Deployment and undocumented (403s after about 45 s have been reported, [G]; OPERATIONS.md). A
  // profile is per vendor, not per session, so this takes the smaller of the two.
  silenceLimitMs: 40_000,
  // X-LIVEAGENT-SEQUENCE on every Chasitor POST: the server drops a repeated number (§1.2, §1.3).
  outboundSequence: true,
  // ReconnectSession answers resetSequence (always true per the docs, §1.9), and the next poll brings
  // ChasitorSessionData, the transcript so far, before anything else (§1.9 step 4).
  afterReconnect: { restartsSequence: true, replaysTranscript: true },
};

export class LiveAgentProvider implements ChatProvider {
  readonly name = providerName;
  readonly profile = liveAgentProfile;
  private readonly http: LiveAgentHttpClient;

  constructor(
    private readonly config: LiveAgentConfig,
    dispatcher: Dispatcher,
  ) {
    this.http = new LiveAgentHttpClient(config, dispatcher);
  }

  async open(
    request: OpenSessionRequest,
    signal: AbortSignal,
    progress?: OpenProgress,
  ): Promise<OpenedSession> {
    // Checked before any request: a vendor session would otherwise be opened for a ChasitorInit the
    // vendor refuses, or an agent would get a chat without the pre-chat form the org requires.
    const invalid = chasitorInitProblem(buildChasitorInit(this.config, 'not-yet-assigned', request));
    if (invalid) {
      throw vendorFailure(FailureType.invalidInput, invalid, {
        provider: providerName,
        operation: 'ChasitorInit',
      });
    }
    try {
      return await this.openOnce(request, signal, progress);
    } catch (err) {
      // Before a session exists, a 503 is maintenance or a failover in progress, not a changed affinity
      // of ours: worth a retry (a fresh SessionId), not the end of the chat.
      if (isFailureType(err, FailureType.handoverRequired)) {
        throw vendorFailure(FailureType.vendorUnavailable, err.message, {
          provider: providerName,
          operation: 'open',
          status: 503,
        });
      }
      throw err;
    }
  }

  private async openOnce(
    request: OpenSessionRequest,
    signal: AbortSignal,
    progress: OpenProgress | undefined,
  ): Promise<OpenedSession> {
    const saved = progress?.resume?.credentials as LiveAgentCredentials | undefined;
    if (saved) {
      // The previous attempt got a session; its ChasitorInit may have arrived with the answer lost. The
      // same POST with the same sequence (1) is applied once or dropped as a repeat by the vendor.
      try {
        return await this.initialize(saved, request, signal);
      } catch (err) {
        // Expired, or its server failed over (503, a token we cannot reconnect before the chat
        // exists): start over with a new session.
        if (!isFailureType(err, FailureType.sessionGone) && !isFailureType(err, FailureType.handoverRequired))
          throw err;
      }
    }
    const session = await this.http.sessionId(signal);
    const credentials: LiveAgentCredentials = {
      sessionId: session.id,
      key: session.key,
      affinityToken: session.affinityToken,
      clientPollTimeoutSec: session.clientPollTimeout,
    };
    progress?.save({ credentials: credentials as unknown as JsonObject });
    return this.initialize(credentials, request, signal);
  }

  private async initialize(
    credentials: LiveAgentCredentials,
    request: OpenSessionRequest,
    signal: AbortSignal,
  ): Promise<OpenedSession> {
    const init = buildChasitorInit(this.config, credentials.sessionId, request);
    await this.http.post(credentials, 'ChasitorInit', init, 1, signal);
    const cursor: LiveAgentCursor = { ack: -1, offset: null };
    return {
      credentials,
      cursor,
      vendorSessionId: credentials.sessionId,
      firstSequence: firstSequenceAfterInit,
      profile: this.profile,
    };
  }

  connect(credentials: JsonObject): VendorConnection {
    const creds = credentials as LiveAgentCredentials;
    return {
      // One Messages long poll per call; the hub loops and re-polls at once (receiveIntervalMs 0).
      next: async (cursor: JsonObject, signal: AbortSignal): Promise<ReceivedBatch> => {
        const current = cursor as LiveAgentCursor;
        const batch = await this.http.messages(creds, current.ack, signal);
        // 204: the server held the poll and nothing arrived; the ack stays where it was.
        if (batch === null) return { events: [], cursor: current };
        // Older API versions send no offset: keep the last one known (ReconnectSession reads it).
        const next: LiveAgentCursor = { ack: batch.sequence, offset: batch.offset ?? current.offset };
        return { events: batch.messages.map(toBridgeEvent), cursor: next };
      },
      // Each poll is its own request (ended by `signal`); nothing stays open between calls.
      close: () => {},
    };
  }

  async send(
    credentials: JsonObject,
    command: OutboundCommand,
    stamp: OutboundStamp,
    signal: AbortSignal,
  ): Promise<void> {
    const creds = credentials as LiveAgentCredentials;
    if (command.kind === 'confirmReplay') return this.resyncState(creds, signal);
    const { sequence } = stamp;
    if (sequence === null) {
      throw new Error(
        `${providerName} send: the outbound stamp has no sequence, but every Chasitor POST needs X-LIVEAGENT-SEQUENCE (the profile sets outboundSequence)`,
      );
    }
    switch (command.kind) {
      case 'message':
        return this.http.post(creds, 'ChatMessage', { text: command.text }, sequence, signal);
      case 'typing':
        return this.http.post(creds, 'ChasitorTyping', {}, sequence, signal);
      case 'notTyping':
        return this.http.post(creds, 'ChasitorNotTyping', {}, sequence, signal);
      case 'customEvent':
        return this.http.post(
          creds,
          'CustomEvent',
          { type: command.type, data: command.data },
          sequence,
          signal,
        );
      case 'end':
        return this.http.post(creds, 'ChatEnd', { reason: 'client' }, sequence, signal);
      case 'file':
      case 'updateUserData':
        // Live Agent's file transfer is agent-initiated (fileTransferRequested) and it keeps no userData.
        throw vendorFailure(FailureType.requestRejected, `${command.kind} is not a Live Agent capability`, {
          provider: providerName,
          operation: command.kind,
        });
    }
  }

  async reconnect(
    credentials: JsonObject,
    cursor: JsonObject,
    signal: AbortSignal,
    options: ReconnectOptions = {},
  ): Promise<ReconnectedSession> {
    const creds = credentials as LiveAgentCredentials;
    // A failover before the first Messages 200 leaves no offset: 0 asks for everything, and nothing
    // has been received yet [G: the docs only speak of the last response's offset].
    const { offset } = cursor as LiveAgentCursor;
    const res = await this.http.reconnectSession(creds, offset ?? 0, signal);
    const reconnect = res.messages[0]!.message;
    const next: LiveAgentCredentials = { ...creds, affinityToken: reconnect.affinityToken };
    // The docs say resetSequence is always true (a missing value counts as true), so the profile's
    // afterReconnect.restartsSequence is true. The cursor stays: the next poll acks what the session has
    // recorded, and brings ChasitorSessionData first (afterReconnect.replaysTranscript). After the session
    // has processed it, its `confirmReplay` send posts ChasitorResyncState, then the buffered POSTs follow
    // (docs/protocols/salesforce-live-agent.md §1.9 steps 4–6).
    if (options.confirmReplayLater) return { credentials: next, confirmsReplay: true };
    // A session from before `confirmReplay` existed: the old order, ChasitorResyncState at once.
    await this.resyncState(next, signal);
    return { credentials: next };
  }

  /** Pushes the visitor's state onto the new server (§1.9 step 5); the one Chasitor POST with no sequence. */
  private resyncState(creds: LiveAgentCredentials, signal: AbortSignal): Promise<void> {
    return this.http.post(
      creds,
      'ChasitorResyncState',
      { organizationId: this.config.organizationId },
      undefined,
      signal,
    );
  }

  sessionKeyOf(credentials: JsonObject): string {
    return `${providerName}:${(credentials as LiveAgentCredentials).sessionId}`;
  }
}
