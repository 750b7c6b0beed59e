// The Genesys Engage GMS chat v2 client behind the ChatProvider seam (docs/protocols/genesys-gms.md):
// plain polling at a set cadence, the refresh as the keep-alive, the alias change as the handover, the
// transcript position as the cursor. GMS cannot drop a repeated request, so a message that may have
// been sent already is looked for in the transcript first.
import type { Dispatcher } from 'undici';
import { FailureType } from '../../shared/failure-types';
import type { FileLimits, FileRequest, FileRequestResult, OutboundCommand } from '../../shared/session-types';
import type { VendorProfile } from '../../shared/vendor-profile';
import type { ApplicationFailure } from '@temporalio/common';
import type {
  ChatProvider,
  FileRequestOutcome,
  JsonObject,
  OpenSessionRequest,
  OpenedSession,
  OutboundStamp,
  ReconnectedSession,
  SendOutcome,
  VendorConnection,
} from '../chat-provider';
import { isFailureType, vendorFailure } from '../vendor-failure';
import { sleepUnlessAborted } from '../../util/abortable-sleep';
import { GmsChatApi, gmsCredentialsOf, type GmsOperation } from './chat-api';
import type { GmsConfig, GmsCursor } from './config';
import { parseFileLimits, uploadProblem } from './file-limits';
import { fetchFromUrl, putToUrl } from './file-transfer';
import { GmsConnection } from './gms-connection';
import { GmsHttpClient } from './http-client';
import { providerName, type GmsReplyVerdict } from './reply-failures';
import { parseVisitorOptions } from './visitor-options';
import type { GmsCredentials, GmsMessage } from './wire-schemas';

/** Tries to PUT a downloaded file to the caller's URL before the download itself fails. */
const putAttempts = 3;

export function gmsProfile(
  config: Pick<GmsConfig, 'refreshIntervalMs' | 'flexDisconnectTimeoutMs'>,
): VendorProfile {
  return {
    transport: 'shortPoll',
    receiveIntervalMs: config.refreshIntervalMs,
    // The refresh itself keeps the client in the chat: no other request is needed.
    keepAliveEveryMs: null,
    silenceLimitMs: config.flexDisconnectTimeoutMs,
    // No numbering and no idempotency key: repeats are found in the transcript (see `send`).
    outboundSequence: false,
    // A moved chat keeps its transcript and positions: nothing is replayed, nothing restarts.
    afterReconnect: { restartsSequence: false, replaysTranscript: false },
  };
}

export class GmsProvider implements ChatProvider {
  readonly name = providerName;
  readonly profile: VendorProfile;
  private readonly api: GmsChatApi;

  constructor(
    private readonly config: GmsConfig,
    private readonly dispatcher: Dispatcher,
  ) {
    this.api = new GmsChatApi(new GmsHttpClient(config, dispatcher));
    this.profile = gmsProfile(config);
  }

  async open(request: OpenSessionRequest, signal: AbortSignal): Promise<OpenedSession> {
    const options = parseVisitorOptions(request.providerOptions);
    if (!options.ok) {
      throw vendorFailure(FailureType.requestRejected, options.problem, {
        provider: providerName,
        operation: 'requestChat',
      });
    }
    const nickname = options.value.nickname ?? request.visitorName;
    const { credentials } = await this.api.requestChat({ ...options.value, nickname }, signal);
    // From the start of the transcript: anything the agent side wrote before our first refresh is kept.
    const cursor: GmsCursor = { transcriptPosition: 1 };
    return {
      credentials,
      cursor,
      vendorSessionId: credentials.chatId,
      firstSequence: 0,
      profile: this.profile,
    };
  }

  connect(credentials: JsonObject): VendorConnection {
    return new GmsConnection(this.api, gmsCredentialsOf(credentials), this.config.pollExceptionLimit);
  }

  async send(
    credentials: JsonObject,
    command: OutboundCommand,
    stamp: OutboundStamp,
    signal: AbortSignal,
  ): Promise<void | SendOutcome> {
    const chain = new CallChain(this.api, gmsCredentialsOf(credentials));
    switch (command.kind) {
      case 'message': {
        if (stamp.mayRepeat && stamp.customerMessagesBefore !== undefined) {
          // GMS cannot drop a repeat: count the customer's messages it holds before sending again.
          const transcript = await chain.call('refresh', { transcriptPosition: 1 }, signal);
          if (customerMessages(transcript.reply.messages) > stamp.customerMessagesBefore)
            return chain.outcome();
        }
        await chain.call('send', { message: command.text }, signal);
        break;
      }
      case 'typing':
        await chain.call('startTyping', {}, signal);
        break;
      case 'notTyping':
        await chain.call('stopTyping', {}, signal);
        break;
      case 'customEvent':
        // GMS custom notices carry one text: the event's data (its type names it for our callers only).
        await chain.call('customNotice', { message: command.data }, signal);
        break;
      case 'end': {
        // The customer's own end: a chat that has ended already is what was asked for.
        const verdict = await this.api.call('disconnect', chain.credentials, {}, signal);
        if (verdict.kind === 'ok') chain.adopt(verdict, 'disconnect');
        break;
      }
      case 'updateUserData':
        await chain.call('updateData', {}, signal, command.userData);
        break;
      case 'file':
        await this.upload(chain, command, stamp.mayRepeat === true, signal);
        break;
      case 'confirmReplay':
        return; // GMS replays nothing after a move: there is nothing to confirm
    }
    return chain.outcome();
  }

  /** A moved chat: confirm the credentials the session holds with a refresh, and adopt what it names. */
  async reconnect(
    credentials: JsonObject,
    cursor: JsonObject,
    signal: AbortSignal,
  ): Promise<ReconnectedSession> {
    const creds = gmsCredentialsOf(credentials);
    let verdict;
    try {
      verdict = await this.api.call('refresh', creds, {}, signal);
    } catch (err) {
      // 8201 on a running chat: these credentials are superseded too. The session retries with the
      // newest it has (a send may be handing them over), then takes the chat as gone.
      if (!isFailureType(err, FailureType.handoverRequired)) throw err;
      throw vendorFailure(FailureType.credentialsRefused, err.message, {
        provider: providerName,
        operation: 'reconnect',
      });
    }
    // An ended chat: the connection's next refresh tells the session so, as for any end.
    if (verdict.kind === 'ended') return { credentials: creds, cursor };
    return { credentials: verdict.credentials, cursor };
  }

  async fileRequest(
    credentials: JsonObject,
    request: FileRequest,
    signal: AbortSignal,
  ): Promise<FileRequestOutcome> {
    const chain = new CallChain(this.api, gmsCredentialsOf(credentials));
    const result = await this.fileRequestOn(chain, request, signal);
    const learned = chain.outcome();
    return learned ? { result, credentials: learned.credentials } : { result };
  }

  sessionKeyOf(credentials: JsonObject): string {
    return `${providerName}:${gmsCredentialsOf(credentials).chatId}`;
  }

  private async fileRequestOn(
    chain: CallChain,
    request: FileRequest,
    signal: AbortSignal,
  ): Promise<FileRequestResult> {
    switch (request.op) {
      case 'limits':
        return { op: 'limits', limits: await this.limits(chain, signal) };
      case 'download': {
        const file = await this.api.download(chain.credentials, request.fileId, signal);
        // Retried here, not by the activity: a second download would use up one of the file's attempts.
        for (let attempt = 1; ; attempt += 1) {
          try {
            await putToUrl(request.putUrl, file, this.transfer(), this.dispatcher, signal);
            break;
          } catch (err) {
            if (attempt >= putAttempts || !isFailureType(err, FailureType.vendorUnavailable)) throw err;
            await sleepUnlessAborted(1_000 * attempt, signal);
          }
        }
        return { op: 'download', bytes: file.bytes.length, contentType: file.contentType };
      }
      case 'delete': {
        const limits = await this.limits(chain, signal);
        if (limits.deleteAllowed === false) {
          throw vendorFailure(
            FailureType.requestRejected,
            'FileDeleteNotAllowed: this chat service keeps files',
            {
              provider: providerName,
              operation: 'deleteFile',
            },
          );
        }
        chain.adopt(await this.api.deleteFile(chain.credentials, request.fileId, signal), 'deleteFile');
        return { op: 'delete' };
      }
    }
  }

  /**
   * Fetches the file from the caller's URL, checks it against the chat's limits, uploads it. A repeat
   * (`mayRepeat`: an earlier attempt may have reached GMS) first looks for the same file from the
   * customer in the transcript [G: same name and size is the same file].
   */
  private async upload(
    chain: CallChain,
    file: { url: string; fileName: string; contentType?: string },
    mayRepeat: boolean,
    signal: AbortSignal,
  ): Promise<void> {
    const limits = await this.limits(chain, signal);
    const maxBytes = Math.min(this.config.maxFileBytes, limits.maxFileSize ?? Infinity);
    const fetched = await fetchFromUrl(file.url, { ...this.transfer(), maxBytes }, this.dispatcher, signal);
    const size = fetched.bytes.length;
    if (mayRepeat) {
      const transcript = await chain.call('refresh', { transcriptPosition: 1 }, signal);
      if (customerFileHeld(transcript.reply.messages, file.fileName, size)) return;
    }
    const problem = uploadProblem(limits, { fileName: file.fileName, size });
    if (problem) {
      throw vendorFailure(FailureType.requestRejected, problem, {
        provider: providerName,
        operation: 'uploadFile',
      });
    }
    const contentType = file.contentType ?? fetched.contentType;
    const verdict = await this.api.upload(
      chain.credentials,
      { bytes: fetched.bytes, fileName: file.fileName, contentType },
      signal,
    );
    chain.adopt(verdict, 'uploadFile');
  }

  private async limits(chain: CallChain, signal: AbortSignal): Promise<FileLimits> {
    return parseFileLimits((await chain.call('file/limits', {}, signal)).reply);
  }

  private transfer() {
    return { timeoutMs: this.config.requestTimeoutMs * 3, maxBytes: this.config.maxFileBytes };
  }
}

/**
 * The calls of one send or file request, each made with the newest credentials a reply named (a chat can
 * move between two of them); the outcome names them when they changed, for the session to adopt.
 */
class CallChain {
  private current: GmsCredentials;

  constructor(
    private readonly api: GmsChatApi,
    private readonly sent: GmsCredentials,
  ) {
    this.current = sent;
  }

  get credentials(): GmsCredentials {
    return this.current;
  }

  /** One call; a chat that has ended refuses it (VendorChatEnded). */
  async call(
    operation: GmsOperation,
    fields: Record<string, string | number>,
    signal: AbortSignal,
    userData?: Record<string, unknown>,
  ): Promise<Extract<GmsReplyVerdict, { kind: 'ok' }>> {
    return this.adopt(await this.api.call(operation, this.current, fields, signal, userData), operation);
  }

  adopt(verdict: GmsReplyVerdict, operation: string): Extract<GmsReplyVerdict, { kind: 'ok' }> {
    if (verdict.kind === 'ended') throw chatEnded(operation);
    this.current = verdict.credentials;
    return verdict;
  }

  outcome(): SendOutcome | undefined {
    const c = this.current;
    const s = this.sent;
    const changed = c.alias !== s.alias || c.secureKey !== s.secureKey || c.userId !== s.userId;
    return changed ? { credentials: c } : undefined;
  }
}

/** The customer's messages in a transcript (positions say nothing of who wrote). */
function customerMessages(messages: readonly GmsMessage[] | undefined): number {
  return (messages ?? []).filter((m) => m.type === 'Message' && m.from?.type === 'Client').length;
}

/** The customer's upload of this file is in the transcript. */
function customerFileHeld(
  messages: readonly GmsMessage[] | undefined,
  fileName: string,
  size: number,
): boolean {
  return (messages ?? []).some((m) => {
    const data = (m.userData ?? {}) as Record<string, unknown>;
    return (
      m.type === 'FileUploaded' &&
      m.from?.type === 'Client' &&
      data['file-name'] === fileName &&
      Number(data['file-size']) === size
    );
  });
}

/** A send or file request met a chat that has ended: its end arrives through the connection. */
function chatEnded(operation: string): ApplicationFailure {
  return vendorFailure(FailureType.chatEndedAtVendor, 'the chat has ended', {
    provider: providerName,
    operation,
  });
}
