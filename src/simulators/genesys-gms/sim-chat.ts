// One GMS chat as the strict simulator keeps it: the transcript (1-based indexes), the customer's
// credentials with the alias that rotates, and the checks GMS makes on every call, in its order
// (docs/protocols/genesys-gms.md §8): the chat and user exist (8201), the secure key is right (8210:
// the client is removed at once), the alias is current, and the client was not silent past
// `flex-disconnect-timeout` (8209). Every valid call resets the silence clock.
import { SimulatorControlError } from '../shared/control-error';
import { SimFiles, type GmsSimFileLimits } from './sim-files';
import { gmsErrorCode as codes } from '../../providers/genesys-gms/reply-failures';
import type { GmsCredentials, GmsMessage, GmsReply } from '../../providers/genesys-gms/wire-schemas';

export interface GmsSimSettings {
  /** Silence after which the client is logged out (GMS `flex-disconnect-timeout`; 300 s by default [G: 45 s seen]). */
  flexDisconnectTimeoutMs: number;
  fileLimits: GmsSimFileLimits;
}

type Participant = NonNullable<GmsMessage['from']>;

export class GmsSimChat {
  readonly transcript: GmsMessage[] = [];
  readonly client: Participant;
  credentials: GmsCredentials;
  lastActivity: number;
  ended = false;
  /** The secure key before a rotation, still answered once so the client can learn the new one. */
  private keyNotYetSeen: string | undefined;
  /** The alias before a rotation, still answered once so the client can learn the new one. */
  private aliasNotYetSeen: string | undefined;
  /** Why the customer's client is out: removed for a bad key, or logged out for silence. */
  removed: 'badSecureKey' | 'loggedOut' | undefined;
  /** A reply told the client the chat ended: later calls are refused. */
  private endAnswered = false;
  /** Who ended the chat: `client` (disconnect) or `agent`. */
  endReason: 'client' | 'agent' | undefined;
  /** userData as the chat holds it (request chat, then every updateData merged over it). */
  readonly userData: Record<string, string> = {};
  /**
   * The customer's calls: how many, how many refreshes at once (two mean two holders poll one chat), and
   * the longest silence between two calls.
   */
  readonly calls = { total: 0, refreshesInFlight: 0, maxRefreshesInFlight: 0, maxGapMs: 0 };
  private agents: Participant[] = [];
  readonly files: SimFiles;
  private nextParticipantId = 2;

  constructor(
    credentials: GmsCredentials,
    nickname: string,
    now: number,
    private readonly settings: GmsSimSettings,
  ) {
    this.credentials = credentials;
    this.files = new SimFiles(settings.fileLimits);
    this.lastActivity = now;
    this.lastCallAt = now;
    this.client = { nickname, participantId: 1, type: 'Client' };
    this.append('ParticipantJoined', this.client, now);
  }

  /**
   * The error code a call with `sent` gets now, or null (and the silence clock starts again). A stale
   * alias after a rotation is treated like an unknown user: the old Chat Server no longer has it [G].
   */
  check(sent: Omit<GmsCredentials, 'chatId'>, now: number): number | null {
    if (this.removed === 'loggedOut') return codes.flexDisconnected;
    // The first refresh after the agent closed the chat still gets its last items and chatEnded; a
    // client that keeps calling after that meets a failed session restoration (8201).
    if (this.ended && this.endAnswered) return codes.noSuchUser;
    if (this.removed || sent.userId !== this.credentials.userId) return codes.noSuchUser;
    if (sent.secureKey !== this.credentials.secureKey && sent.secureKey === this.keyNotYetSeen) {
      this.keyNotYetSeen = undefined; // the one call that learns the new key [G: rotation is "possible"]
    } else if (sent.secureKey !== this.credentials.secureKey) {
      this.removed = 'badSecureKey';
      this.append('ParticipantLeft', this.client, now);
      return codes.badSecureKey;
    }
    if (sent.alias !== this.credentials.alias) {
      // The one call that still carries the old alias is answered, naming the new one; later ones are not.
      if (sent.alias !== this.aliasNotYetSeen) return codes.noSuchUser;
      this.aliasNotYetSeen = undefined;
    }
    if (now - this.lastActivity > this.settings.flexDisconnectTimeoutMs) {
      this.removed = 'loggedOut';
      this.append('ParticipantLeft', this.client, now);
      return codes.flexDisconnected;
    }
    this.lastActivity = now;
    return null;
  }

  /**
   * The chat moves to another Chat Server: the next reply carries the new alias (the client must adopt
   * it), and from then on the old alias is refused [G: how long GMS still routes the old alias is not
   * documented; one call is the strictest a client can follow].
   */
  /** GMS may rotate the secure key too [G]: the next reply names it, then the old one is a bad key. */
  rotateSecureKey(next: string): void {
    this.keyNotYetSeen = this.credentials.secureKey;
    this.credentials = { ...this.credentials, secureKey: next };
  }

  rotateAlias(next: string): void {
    this.aliasNotYetSeen = this.credentials.alias;
    this.credentials = { ...this.credentials, alias: next };
  }

  /** The old alias is refused from now on, even for the one call that would have learned the new one. */
  forgetOldAlias(): void {
    this.aliasNotYetSeen = undefined;
  }

  agentJoins(
    nickname: string,
    now: number,
    type: 'Agent' | 'Supervisor' | 'External' = 'Agent',
  ): Participant {
    const agent = { nickname, participantId: this.nextParticipantId++, type };
    this.agents.push(agent);
    this.append('ParticipantJoined', agent, now);
    return agent;
  }

  /** The agent who joined last and is still in the chat. */
  get agent(): Participant | undefined {
    return this.agents.at(-1);
  }

  agentSays(text: string, now: number): void {
    this.append('Message', this.requireAgent(), now, text);
  }

  agentTyping(on: boolean, now: number): void {
    this.append(on ? 'TypingStarted' : 'TypingStopped', this.requireAgent(), now);
  }

  /** The agent leaves (the last one ends the chat, as an agent closing it does). */
  agentLeaves(now: number, agent: Participant = this.requireAgent()): void {
    const at = this.agents.indexOf(agent);
    if (at < 0) throw new SimulatorControlError(409, `${agent.nickname ?? 'that agent'} is not in the chat`);
    this.agents.splice(at, 1);
    this.append('ParticipantLeft', agent, now);
    if (this.agents.length === 0) this.end('agent');
  }

  end(reason: 'client' | 'agent'): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
  }

  /** A customer call starts: counts it and the silence since the last one (while the client is in the chat). */
  callStarted(now: number, op: string): void {
    if (!this.ended && !this.removed) {
      this.calls.maxGapMs = Math.max(this.calls.maxGapMs, now - this.lastCallAt);
    }
    this.lastCallAt = now;
    this.calls.total += 1;
    if (op !== 'refresh') return;
    this.calls.refreshesInFlight += 1;
    this.calls.maxRefreshesInFlight = Math.max(this.calls.maxRefreshesInFlight, this.calls.refreshesInFlight);
  }

  callEnded(op: string): void {
    if (op === 'refresh') this.calls.refreshesInFlight -= 1;
  }

  /** How long the client has been silent (0 once it is out of the chat). */
  silentFor(now: number): number {
    return this.ended || this.removed ? 0 : now - this.lastCallAt;
  }

  /** The longest silence so far, the current one included. */
  currentGapMs(now: number): number {
    return Math.max(this.calls.maxGapMs, this.silentFor(now));
  }

  /** When the customer's client last called. */
  lastCallAt: number = 0;

  /** The customer's messages, in order. */
  customerTexts(): string[] {
    return this.transcript
      .filter((m) => m.type === 'Message' && m.from?.type === 'Client')
      .map((m) => m.text ?? '');
  }

  private requireAgent(): Participant {
    const agent = this.agent;
    if (!agent) throw new SimulatorControlError(409, `chat ${this.credentials.chatId} has no agent`);
    return agent;
  }

  append(
    type: string,
    from: Participant,
    now: number,
    text?: string,
    userData?: Record<string, string>,
  ): GmsMessage {
    const message: GmsMessage = {
      from,
      index: this.transcript.length + 1,
      type,
      utcTime: now,
      ...(text !== undefined ? { text } : {}),
      ...(userData !== undefined ? { userData } : {}),
    };
    this.transcript.push(message);
    return message;
  }

  /** A statusCode-0 reply with the transcript from `position` (0 and 1 both mean from the start). */
  reply(position: number | undefined): GmsReply {
    if (this.ended) this.endAnswered = true;
    const from = Math.max(1, position ?? this.transcript.length + 1);
    const messages = this.transcript.filter((m) => m.index >= from);
    return {
      statusCode: 0,
      chatId: this.credentials.chatId,
      userId: this.credentials.userId,
      secureKey: this.credentials.secureKey,
      alias: this.credentials.alias,
      chatEnded: this.ended,
      nextPosition: this.transcript.length + 1,
      messages,
    };
  }
}

/** The reply to a refused call: statusCode 2 with the code (the envelope's other fields not valid). */
export function refusal(code: number, chatEnded: boolean): GmsReply {
  return { statusCode: 2, chatEnded, errors: [{ code, advice: adviceFor(code) }] };
}

function adviceFor(code: number): string {
  if (code === codes.badSecureKey) return 'Bad secure key';
  if (code === codes.flexDisconnected) return 'User was logged out';
  return 'No such user in the session';
}
