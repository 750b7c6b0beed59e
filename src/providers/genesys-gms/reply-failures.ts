// What a GMS reply means, in our failure vocabulary. The HTTP status is 200 for v2 errors too; the
// envelope's statusCode and the Chat Server error codes say what happened (docs.genesys.com, GMS API
// Reference, "API Responses"; the codes' meanings from Genesys' community answers on 8201/8209/8210,
// docs/protocols/genesys-gms.md §4). Unknown codes are not guessed at: statusCode decides.
import { FailureType, type FailureTypeName } from '../../shared/failure-types';
import { vendorFailure } from '../vendor-failure';
import type { GmsCredentials, GmsReply } from './wire-schemas';

export const providerName = 'genesys-gms';

/** Chat Server error codes with a documented meaning. */
export const gmsErrorCode = {
  /** No such user in the session: the chat ended (e.g. the agent closed it) or the user is unknown. */
  noSuchUser: 8201,
  /** The web client was logged out after `flex-disconnect-timeout` without a request (300 s by default). */
  flexDisconnected: 8209,
  /** Bad secure key: the client is removed at once (anti-hijacking); one stale key ends the chat. */
  badSecureKey: 8210,
} as const;

export type GmsReplyVerdict =
  | {
      kind: 'ok';
      reply: GmsReply & { statusCode: 0 };
      credentials: GmsCredentials;
      credentialsChanged: boolean;
    }
  | { kind: 'ended'; reply: GmsReply };

/**
 * Accepts a statusCode-0 reply (re-reading the credentials it carries: the alias, and possibly the secure
 * key, may have changed, which is this vendor's handover) or a reply that says the chat ended; throws a
 * typed failure otherwise.
 */
export function readReply(reply: GmsReply, sent: GmsCredentials, operation: string): GmsReplyVerdict {
  const codes = errorCodes(reply);
  const details = { provider: providerName, operation };
  if (reply.statusCode === 0) {
    if (reply.chatEnded) return { kind: 'ended', reply };
    const credentials: GmsCredentials = {
      chatId: sent.chatId,
      userId: reply.userId ?? sent.userId,
      secureKey: reply.secureKey ?? sent.secureKey,
      alias: reply.alias ?? sent.alias,
    };
    return {
      kind: 'ok',
      reply: reply as GmsReply & { statusCode: 0 },
      credentials,
      credentialsChanged:
        credentials.alias !== sent.alias ||
        credentials.secureKey !== sent.secureKey ||
        credentials.userId !== sent.userId,
    };
  }
  const type = failureTypeFor(reply.statusCode, codes, reply.chatEnded === true);
  if (type === FailureType.sessionGone && reply.chatEnded) return { kind: 'ended', reply };
  const named = codes.length > 0 ? `error code ${codes.join(', ')}` : 'no error code';
  throw vendorFailure(type, `statusCode ${reply.statusCode}, ${named}`, details);
}

/** Each of these leaves this client out of the chat (logged out for silence: even if the chat runs on). */
const sessionEndingCodes: readonly number[] = [gmsErrorCode.flexDisconnected, gmsErrorCode.badSecureKey];

/**
 * 8201 on a chat that has not ended is what a call with a superseded alias gets (the chat moved to
 * another Chat Server) [G]: a handover, which retries with the session's newest credentials; once those
 * are refused too, or the reply says the chat ended, the chat is gone.
 */
export function failureTypeFor(statusCode: 1 | 2, codes: number[], chatEnded: boolean): FailureTypeName {
  if (codes.some((c) => sessionEndingCodes.includes(c))) return FailureType.sessionGone;
  if (codes.includes(gmsErrorCode.noSuchUser)) {
    return chatEnded ? FailureType.sessionGone : FailureType.handoverRequired;
  }
  if (statusCode === 1) return FailureType.vendorUnavailable;
  return chatEnded ? FailureType.sessionGone : FailureType.requestRejected;
}

/** Error codes as numbers, from `code` or `errorCode`, numeric or numeric strings; others dropped. */
export function errorCodes(reply: GmsReply): number[] {
  return (reply.errors ?? []).flatMap((e) => {
    const raw = e.code ?? e.errorCode;
    const code = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    return typeof code === 'number' && Number.isInteger(code) ? [code] : [];
  });
}
