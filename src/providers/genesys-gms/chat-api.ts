// The GMS chat v2 operations this provider makes, each one call and one reading of its reply
// (docs/protocols/genesys-gms.md §2): the paths under the service URL, the credentials on every call
// after request-chat, and the reply read by reply-failures.ts.
import { FormData } from 'undici';
import { vendorFailure } from '../vendor-failure';
import { FailureType } from '../../shared/failure-types';
import { gmsFormBody, requestChatFields, type FormValue } from './form-body';
import type { GmsHttpClient } from './http-client';
import { providerName, readReply, type GmsReplyVerdict } from './reply-failures';
import type { GmsVisitorOptions } from './visitor-options';
import type { GmsCredentials } from './wire-schemas';

/** The session operations, by their path segment after `/{chatId}`. */
export type GmsOperation =
  | 'refresh'
  | 'send'
  | 'startTyping'
  | 'stopTyping'
  | 'customNotice'
  | 'updateData'
  | 'disconnect'
  | 'file/limits';

export interface RequestedChat {
  credentials: GmsCredentials;
  nextPosition: number;
}

export class GmsChatApi {
  constructor(private readonly http: GmsHttpClient) {}

  /** Request chat: the only call without credentials. Its reply must name all four. */
  async requestChat(
    visitor: GmsVisitorOptions & { nickname: string },
    signal: AbortSignal,
  ): Promise<RequestedChat> {
    const body = gmsFormBody(requestChatFields(visitor), { userData: visitor.userData });
    const reply = await this.http.call('requestChat', '', '', body, signal);
    const call = { provider: providerName, operation: 'requestChat' };
    const none: GmsCredentials = { chatId: '', userId: '', secureKey: '', alias: '' };
    const verdict = readReply(reply, none, 'requestChat');
    if (verdict.kind === 'ended') {
      throw vendorFailure(FailureType.requestRejected, 'the chat ended as it was requested', call);
    }
    const { chatId } = reply;
    const { userId, secureKey, alias } = verdict.credentials;
    if (!chatId || !userId || !secureKey || !alias) {
      throw vendorFailure(
        FailureType.malformedResponse,
        'the reply lacks chatId, userId, secureKey or alias',
        call,
      );
    }
    return { credentials: { chatId, userId, secureKey, alias }, nextPosition: reply.nextPosition ?? 1 };
  }

  /** One session operation with the credentials it must carry; `fields` are the operation's own. */
  async call(
    operation: GmsOperation,
    credentials: GmsCredentials,
    fields: Record<string, FormValue | undefined>,
    signal: AbortSignal,
    userData?: Record<string, unknown>,
  ): Promise<GmsReplyVerdict> {
    const body = gmsFormBody(fields, { credentials, userData });
    const suffix = `/${encodeURIComponent(credentials.chatId)}/${operation}`;
    const reply = await this.http.call(operation, suffix, `/{chatId}/${operation}`, body, signal);
    return readReply(reply, credentials, operation);
  }

  /** Upload file (multipart `file` and the credentials): the reply's transcript shows a FileUploaded. */
  async upload(
    credentials: GmsCredentials,
    file: { bytes: Buffer; fileName: string; contentType: string | null },
    signal: AbortSignal,
  ): Promise<GmsReplyVerdict> {
    const form = credentialsForm(credentials);
    const blob = new Blob([file.bytes], { type: file.contentType ?? 'application/octet-stream' });
    form.append('file', blob, file.fileName);
    const suffix = `/${encodeURIComponent(credentials.chatId)}/file`;
    const reply = await this.http.call('uploadFile', suffix, '/{chatId}/file', form, signal);
    return readReply(reply, credentials, 'uploadFile');
  }

  /** Download file: its bytes; a refusal (an envelope instead of the file) is thrown, typed. */
  async download(
    credentials: GmsCredentials,
    fileId: string,
    signal: AbortSignal,
  ): Promise<{ bytes: Buffer; contentType: string | null }> {
    const suffix = `/${encodeURIComponent(credentials.chatId)}/file/${encodeURIComponent(fileId)}/download`;
    const body = gmsFormBody({}, { credentials });
    const answer = await this.http.download(suffix, '/{chatId}/file/{fileId}/download', body, signal);
    if (answer.kind === 'file') return answer;
    const verdict = readReply(answer.reply, credentials, 'downloadFile');
    throw vendorFailure(FailureType.malformedResponse, `an envelope (${verdict.kind}) instead of the file`, {
      provider: providerName,
      operation: 'downloadFile',
    });
  }

  async deleteFile(
    credentials: GmsCredentials,
    fileId: string,
    signal: AbortSignal,
  ): Promise<GmsReplyVerdict> {
    const suffix = `/${encodeURIComponent(credentials.chatId)}/file/${encodeURIComponent(fileId)}/delete`;
    const body = gmsFormBody({}, { credentials });
    const reply = await this.http.call('deleteFile', suffix, '/{chatId}/file/{fileId}/delete', body, signal);
    return readReply(reply, credentials, 'deleteFile');
  }
}

/** The credentials as multipart fields, for the file upload. */
function credentialsForm(credentials: GmsCredentials): FormData {
  const form = new FormData();
  form.append('userId', credentials.userId);
  form.append('secureKey', credentials.secureKey);
  form.append('alias', credentials.alias);
  return form;
}

/** GMS credentials out of the opaque JSON the session carries. */
export function gmsCredentialsOf(credentials: Record<string, unknown>): GmsCredentials {
  const { chatId, userId, secureKey, alias } = credentials;
  if (
    typeof chatId !== 'string' ||
    typeof userId !== 'string' ||
    typeof secureKey !== 'string' ||
    typeof alias !== 'string'
  ) {
    throw vendorFailure(
      FailureType.requestRejected,
      'credentials must hold chatId, userId, secureKey and alias',
      {
        provider: providerName,
        operation: 'credentials',
      },
    );
  }
  return { chatId, userId, secureKey, alias };
}
