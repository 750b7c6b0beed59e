// The GMS chat v2 operations this provider makes, each one call and one reading of its reply
// (docs/protocols/genesys-gms.md §2): the paths under the service URL, the credentials on every call
// after request-chat, and the reply read by reply-failures.ts.
import { vendorFailure } from '../vendor-failure';
import { FailureType } from '../../shared/failure-types';
import { gmsFormBody, requestChatFields, type FormValue } from './form-body';
import type { GmsHttpClient } from './http-client';
import { providerName, readReply, type GmsReplyVerdict } from './reply-failures';
import type { GmsVisitorOptions } from './visitor-options';
import type { GmsCredentials } from './wire-schemas';

/** The session operations, by their path segment after `/{chatId}`. */
export type GmsOperation =
  'refresh' | 'send' | 'startTyping' | 'stopTyping' | 'customNotice' | 'updateData' | 'disconnect';

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
