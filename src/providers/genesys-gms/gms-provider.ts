// The Genesys Engage GMS chat v2 client behind the ChatProvider seam (docs/protocols/genesys-gms.md):
// plain polling at a set cadence, the refresh as the keep-alive, the alias change as the handover, the
// transcript position as the cursor. GMS cannot drop a repeated request, so a message that may have
// been sent already is looked for in the transcript first.
import type { Dispatcher } from 'undici';
import { FailureType } from '../../shared/failure-types';
import type { FileLimits, FileRequest, FileRequestResult, OutboundCommand } from '../../shared/session-types';
import type { VendorProfile } from '../../shared/vendor-profile';
import type {
  ChatProvider,
  JsonObject,
  OpenSessionRequest,
  OpenedSession,
  OutboundStamp,
  ReconnectedSession,
  SendOutcome,
  VendorConnection,
} from '../chat-provider';
import { vendorFailure } from '../vendor-failure';
import { GmsChatApi, gmsCredentialsOf, type GmsOperation } from './chat-api';
import type { GmsConfig, GmsCursor } from './config';
import { parseFileLimits, uploadProblem } from './file-limits';
import { fetchFromUrl, putToUrl } from './file-transfer';
import { GmsConnection } from './gms-connection';
import { GmsHttpClient } from './http-client';
import { providerName, type GmsReplyVerdict } from './reply-failures';
import { parseVisitorOptions } from './visitor-options';
import type { GmsCredentials, GmsMessage } from './wire-schemas';

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
    const creds = gmsCredentialsOf(credentials);
    switch (command.kind) {
      case 'message': {
        if (stamp.mayRepeat && stamp.customerMessagesBefore !== undefined) {
          const held = await this.customerMessagesHeld(creds, signal);
          if (held.count > stamp.customerMessagesBefore) return outcomeOf(held.verdict, creds);
        }
        return this.call('send', creds, { message: command.text }, signal);
      }
      case 'typing':
        return this.call('startTyping', creds, {}, signal);
      case 'notTyping':
        return this.call('stopTyping', creds, {}, signal);
      case 'customEvent':
        // GMS custom notices carry one text: the event's data (its type names it for our callers only).
        return this.call('customNotice', creds, { message: command.data }, signal);
      case 'end':
        return this.call('disconnect', creds, {}, signal);
      case 'updateUserData':
        return this.call('updateData', creds, {}, signal, command.userData);
      case 'file':
        return this.upload(creds, command, signal);
      case 'confirmReplay':
        return; // GMS replays nothing after a move: there is nothing to confirm
    }
  }

  /** A moved chat: confirm the credentials the session holds with a refresh, and adopt what it names. */
  async reconnect(
    credentials: JsonObject,
    cursor: JsonObject,
    signal: AbortSignal,
  ): Promise<ReconnectedSession> {
    const creds = gmsCredentialsOf(credentials);
    const verdict = await this.api.call('refresh', creds, {}, signal);
    if (verdict.kind === 'ended') {
      throw vendorFailure(FailureType.sessionGone, 'the chat ended', {
        provider: providerName,
        operation: 'reconnect',
      });
    }
    return { credentials: verdict.credentials, cursor };
  }

  async fileRequest(
    credentials: JsonObject,
    request: FileRequest,
    signal: AbortSignal,
  ): Promise<FileRequestResult> {
    const creds = gmsCredentialsOf(credentials);
    switch (request.op) {
      case 'limits':
        return { op: 'limits', limits: await this.limits(creds, signal) };
      case 'download': {
        const file = await this.api.download(creds, request.fileId, signal);
        await putToUrl(request.putUrl, file, this.transfer(), this.dispatcher, signal);
        return { op: 'download', bytes: file.bytes.length, contentType: file.contentType };
      }
      case 'delete': {
        const limits = await this.limits(creds, signal);
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
        await this.api.deleteFile(creds, request.fileId, signal);
        return { op: 'delete' };
      }
    }
  }

  sessionKeyOf(credentials: JsonObject): string {
    return `${providerName}:${gmsCredentialsOf(credentials).chatId}`;
  }

  private async call(
    operation: GmsOperation,
    creds: GmsCredentials,
    fields: Record<string, string>,
    signal: AbortSignal,
    userData?: Record<string, unknown>,
  ): Promise<SendOutcome | undefined> {
    const verdict = await this.api.call(operation, creds, fields, signal, userData);
    if (verdict.kind === 'ended' && operation !== 'disconnect') {
      throw vendorFailure(FailureType.sessionGone, 'the chat ended', { provider: providerName, operation });
    }
    return outcomeOf(verdict, creds);
  }

  /** Fetches the file from the caller's URL, checks it against the chat's limits, uploads it. */
  private async upload(
    creds: GmsCredentials,
    file: { url: string; fileName: string; contentType?: string },
    signal: AbortSignal,
  ): Promise<SendOutcome | undefined> {
    const limits = await this.limits(creds, signal);
    const maxBytes = Math.min(this.config.maxFileBytes, limits.maxFileSize ?? Infinity);
    const fetched = await fetchFromUrl(file.url, { ...this.transfer(), maxBytes }, this.dispatcher, signal);
    const problem = uploadProblem(limits, { fileName: file.fileName, size: fetched.bytes.length });
    if (problem) {
      throw vendorFailure(FailureType.requestRejected, problem, {
        provider: providerName,
        operation: 'uploadFile',
      });
    }
    const contentType = file.contentType ?? fetched.contentType;
    const verdict = await this.api.upload(
      creds,
      { bytes: fetched.bytes, fileName: file.fileName, contentType },
      signal,
    );
    if (verdict.kind === 'ended') {
      throw vendorFailure(FailureType.sessionGone, 'the chat ended', {
        provider: providerName,
        operation: 'uploadFile',
      });
    }
    return outcomeOf(verdict, creds);
  }

  private async limits(creds: GmsCredentials, signal: AbortSignal): Promise<FileLimits> {
    const verdict = await this.api.call('file/limits', creds, {}, signal);
    if (verdict.kind === 'ended') {
      throw vendorFailure(FailureType.sessionGone, 'the chat ended', {
        provider: providerName,
        operation: 'fileLimits',
      });
    }
    return parseFileLimits(verdict.reply);
  }

  private transfer() {
    return { timeoutMs: this.config.requestTimeoutMs * 3, maxBytes: this.config.maxFileBytes };
  }

  /** The customer's messages the chat holds (the whole transcript is read: positions say nothing of who wrote). */
  private async customerMessagesHeld(
    creds: GmsCredentials,
    signal: AbortSignal,
  ): Promise<{ count: number; verdict: GmsReplyVerdict }> {
    const verdict = await this.api.call('refresh', creds, { transcriptPosition: 1 }, signal);
    const messages: GmsMessage[] = verdict.reply.messages ?? [];
    const count = messages.filter((m) => m.type === 'Message' && m.from?.type === 'Client').length;
    return { count, verdict };
  }
}

/** The new credentials, when the reply named any. */
function outcomeOf(verdict: GmsReplyVerdict, sent: GmsCredentials): SendOutcome | undefined {
  if (verdict.kind !== 'ok') return undefined;
  const changed =
    verdict.credentials.alias !== sent.alias ||
    verdict.credentials.secureKey !== sent.secureKey ||
    verdict.credentials.userId !== sent.userId;
  return changed ? { credentials: verdict.credentials } : undefined;
}
