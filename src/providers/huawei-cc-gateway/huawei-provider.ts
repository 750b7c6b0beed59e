// Huawei CC-Gateway agents behind the ChatProvider seam (docs/protocols/huawei-cc-gateway.md,
// docs/agent-presence.md): an agent presence is a session whose vendor side is the agent's sign-in.
// open = sign-in and skills; receive = the event poll (poll mode) or the pushes (push mode); keep-alive
// = the handshake (push mode); a sign-out the gateway made = a handover whose reconnect signs in again
// per the caller's policy; commands = state changes, and the end = sign-out.
import { randomBytes } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { FailureType } from '../../shared/failure-types';
import type { OutboundCommand } from '../../shared/session-types';
import type { VendorProfile } from '../../shared/vendor-profile';
import type {
  ChatProvider,
  JsonObject,
  OpenProgress,
  OpenSessionRequest,
  OpenedSession,
  ReconnectOptions,
  ReconnectedSession,
  VendorConnection,
} from '../chat-provider';
import { isFailureType, vendorFailure } from '../vendor-failure';
import { AgentApi } from './agent-api';
import type { HuaweiConfig } from './config';
import { GuidBook } from './guid-book';
import { GatewayHttpClient } from './http-client';
import { PollConnection } from './poll-connection';
import { parsePresenceOptions } from './presence-options';
import { initialCursor, readCursor, type PresenceCredentials } from './presence-credentials';
import { PushConnection } from './push-connection';
import { PushReceiver } from './push-receiver';
import { providerName } from './retcodes';
import { isInCall } from './to-bridge-event';
import type { SignInBody } from './wire-schemas';

/** A sign-in's result: what the gateway issued, and the push secret we gave it. */
type SignedIn = { guid: string; forced: boolean; serviceToken?: string };

/** The simulator (and, by our reading, the gateway) waits 5 s for a push's answer [G]. */
const pushAnswerWithinMs = 4_000;

export function huaweiProfile(
  config: Pick<HuaweiConfig, 'handshakeIntervalMs' | 'signOutAfterMs'>,
  mode: 'push' | 'poll',
): VendorProfile {
  return {
    // The poll is held by the gateway; pushes wait in the connection: either way one call at a time.
    transport: 'longPoll',
    receiveIntervalMs: 0,
    keepAliveEveryMs: mode === 'push' ? config.handshakeIntervalMs : null,
    silenceLimitMs: config.signOutAfterMs,
    // A command from another worker would carry the last recorded GUID, which may be past its grace.
    sendWhereHeld: true,
    outboundSequence: false,
    afterReconnect: { restartsSequence: false, replaysTranscript: false },
  };
}

export class HuaweiProvider implements ChatProvider {
  readonly name = providerName;
  /** What the hub reads: push mode's handshake cadence (a poll-mode agent's keep-alive does nothing). */
  readonly profile: VendorProfile;
  private readonly api: AgentApi;
  private readonly book = new GuidBook();
  private receiver: PushReceiver | undefined;

  constructor(
    private readonly config: HuaweiConfig,
    dispatcher: Dispatcher,
  ) {
    this.api = new AgentApi(new GatewayHttpClient(config, dispatcher));
    this.profile = huaweiProfile(config, 'push');
  }

  async open(
    request: OpenSessionRequest,
    signal: AbortSignal,
    progress?: OpenProgress,
  ): Promise<OpenedSession> {
    const parsed = parsePresenceOptions(request.providerOptions);
    if (!parsed.ok) throw refused('login', parsed.problem);
    const options = parsed.value;
    const password = options.password ?? this.config.agentPassword;
    if (!password)
      throw refused('login', 'providerOptions.password is missing and HUAWEI_AGENT_PASSWORD is unset');
    const agentId = request.customerId;
    if (!/^\d{1,10}$/.test(agentId))
      throw refused('login', `agent id ${JSON.stringify(agentId.slice(0, 20))} must be 1 to 10 digits`);
    const signInBody: SignInBody = {
      password,
      phonenum: options.phonenum,
      ...(options.initialStatus !== undefined ? { status: options.initialStatus } : {}),
      ...(options.autoAnswer !== undefined ? { autoanswer: options.autoAnswer } : {}),
    };
    const base = {
      agentId,
      mode: options.mode,
      skills: options.skills,
      forceLogin: options.forceLogin,
      reSignIn: options.reSignIn,
      signInBody: signInBody as unknown as JsonObject,
    };
    const signedIn = await this.signInWithSkills(base, signal, progress);
    const credentials: PresenceCredentials = { ...base, ...signedIn, signIn: 1 };
    return {
      credentials,
      cursor: { ...initialCursor },
      vendorSessionId: agentId,
      firstSequence: 1,
      profile: huaweiProfile(this.config, options.mode),
    };
  }

  connect(credentials: JsonObject): VendorConnection {
    const presence = credentials as PresenceCredentials;
    if (presence.mode === 'poll') {
      return new PollConnection(presence, this.api, this.book, this.config.pollIntervalMs);
    }
    return new PushConnection(presence, this.pushReceiver(), this.book, pushAnswerWithinMs, () =>
      this.keepAlive(presence, AbortSignal.timeout(this.config.requestTimeoutMs)),
    );
  }

  /** Push mode's handshake with the newest GUID; a sign-out it meets ends the connection's receiving. */
  async keepAlive(credentials: JsonObject, signal: AbortSignal): Promise<void> {
    const presence = credentials as PresenceCredentials;
    if (presence.mode !== 'push') return; // the poll is the heartbeat
    try {
      const guid = await this.book.withGuid(presence, (current) =>
        this.api.handshake(presence.agentId, current, presence.serviceToken ?? '', signal),
      );
      this.book.adopt(presence, guid);
    } catch (err) {
      if (isFailureType(err, FailureType.agentSignedOut)) this.book.noteSignedOut(presence, err.message);
      throw err;
    }
  }

  async send(
    credentials: JsonObject,
    command: OutboundCommand,
    _stamp: unknown,
    signal: AbortSignal,
  ): Promise<void> {
    const presence = credentials as PresenceCredentials;
    try {
      if (command.kind === 'agentState') {
        const state = { ready: 'ready', notReady: 'busy', rest: 'rest' } as const;
        return await this.book.withGuid(presence, (guid) =>
          this.api.setState(presence.agentId, guid, state[command.state], signal),
        );
      }
      if (command.kind === 'end') {
        await this.book.withGuid(presence, (guid) => this.api.signOut(presence.agentId, guid, signal));
        this.book.forget(presence);
        return;
      }
    } catch (err) {
      // Refused while the agent talks: the sign-out is tried again after a pause, until the call ends.
      if (isFailureType(err, FailureType.agentInCall)) {
        throw vendorFailure(
          FailureType.vendorUnavailable,
          'sign-out refused during a call (100-010); retried',
          {
            provider: providerName,
            operation: 'logout',
          },
        );
      }
      if (isFailureType(err, FailureType.agentSignedOut)) {
        throw vendorFailure(FailureType.handoverRequired, err.message, {
          provider: providerName,
          operation: command.kind,
        });
      }
      throw err;
    }
    throw refused(command.kind, `an agent presence takes agent commands only, not '${command.kind}'`);
  }

  /**
   * A handover: with credentials a connection marked signed out, sign in again per the policy; with a
   * GUID a lost or draining hub learned, confirm it (push mode: a handshake) and keep it.
   */
  async reconnect(
    credentials: JsonObject,
    cursorJson: JsonObject,
    signal: AbortSignal,
    options: ReconnectOptions = {},
  ): Promise<ReconnectedSession> {
    const presence = credentials as PresenceCredentials;
    let reason = presence.signedOut;
    if (!reason && presence.mode === 'push') {
      try {
        await this.keepAlive(presence, signal);
        return { credentials: withoutMark(presence, this.book.current(presence)) };
      } catch (err) {
        if (!isFailureType(err, FailureType.agentSignedOut)) throw err;
        reason = err.message;
      }
    }
    // No sign-in for a sign-out the caller asked for (its end is in flight): the end then finds the
    // agent signed out, which is what it wanted.
    if (!reason || options.endRequested) return { credentials: withoutMark(presence, presence.guid) };
    const lastState = readCursor(cursorJson).lastState;
    if (presence.reSignIn === 'never' || (presence.reSignIn === 'outsideCalls' && isInCall(lastState))) {
      throw vendorFailure(
        FailureType.sessionGone,
        `agent signed out (${reason}); not signed in again (reSignIn: ${presence.reSignIn}, last state ${lastState ?? 'unknown'})`,
        { provider: providerName, operation: 'login' },
      );
    }
    this.book.forget(presence);
    const signedIn = await this.signInWithSkills(presence, signal, options.progress);
    const next: PresenceCredentials = {
      ...withoutMark(presence, signedIn.guid),
      ...signedIn,
      signIn: presence.signIn + 1,
      healedFrom: reason,
    };
    return { credentials: next };
  }

  sessionKeyOf(credentials: JsonObject): string {
    return `agent:${String(credentials.agentId)}`;
  }

  async close(): Promise<void> {
    await this.receiver?.close();
  }

  /**
   * Sign-in, then the skills. A retry of an open or a heal whose sign-in succeeded (the skills call
   * failed, or the worker died before the activity completed) resumes that sign-in from the activity's
   * saved progress: signing in again would meet 100-002 "signed in elsewhere" from our own sign-in, and
   * the agent would wait for the gateway's reaper. The save is the activity's first heartbeat, sent at
   * once. A resumed sign-in the gateway no longer has (100-006) is replaced by a new one.
   */
  private async signInWithSkills(
    presence: Pick<PresenceCredentials, 'agentId' | 'mode' | 'forceLogin' | 'signInBody' | 'skills'>,
    signal: AbortSignal,
    progress: OpenProgress | undefined,
  ): Promise<SignedIn> {
    const resumed = progress?.resume as SignedIn | undefined;
    if (resumed) {
      try {
        await this.api.resetSkills(presence.agentId, resumed.guid, presence.skills, signal);
        return resumed;
      } catch (err) {
        if (!isFailureType(err, FailureType.agentSignedOut)) throw err;
      }
    }
    const signedIn = await this.signIn(presence, signal);
    progress?.save(signedIn);
    await this.api.resetSkills(presence.agentId, signedIn.guid, presence.skills, signal);
    return signedIn;
  }

  private async signIn(
    presence: Pick<PresenceCredentials, 'agentId' | 'mode' | 'forceLogin' | 'signInBody'>,
    signal: AbortSignal,
  ): Promise<SignedIn> {
    const body = { ...(presence.signInBody as unknown as SignInBody) };
    let serviceToken: string | undefined;
    if (presence.mode === 'push') {
      // A new secret with each sign-in: a push signed with an older one is refused.
      serviceToken = randomBytes(24).toString('base64url');
      const receiver = this.pushReceiver();
      await receiver.ready;
      body.callBackUri = this.config.pushCallbackUrl ?? receiver.url;
      body.serviceToken = serviceToken;
    }
    const signedIn = await this.api.signIn(presence.agentId, body, presence.forceLogin, signal);
    return { ...signedIn, ...(serviceToken ? { serviceToken } : {}) };
  }

  private pushReceiver(): PushReceiver {
    this.receiver ??= PushReceiver.listen(this.config.pushPort, this.config.pushHost);
    return this.receiver;
  }
}

function withoutMark(presence: PresenceCredentials, guid: string): PresenceCredentials {
  const { signedOut: _mark, ...rest } = presence;
  return { ...rest, guid };
}

function refused(operation: string, message: string) {
  return vendorFailure(FailureType.requestRejected, message, { provider: providerName, operation });
}
