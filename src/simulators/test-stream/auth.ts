// The check every session call makes, in order: the session exists and is not gone (404), then the
// bearer token is its current one (401 unauthorized / token_rotated / invalid_token).
import type { IncomingHttpHeaders } from 'node:http';
import { ERROR_CODES } from '../../providers/test-stream/wire-schemas';
import { errorReply, header, type Checked } from './http-reply';
import type { SimSession } from './sim-session';
import type { SimulatorCore } from './simulator-core';

/** The session, whatever its token state (resume authenticates by body). */
export function findSession(core: SimulatorCore, id: string): Checked<SimSession> {
  const session = core.store.byId(id);
  if (session) core.checkExpiry(session);
  if (!session || session.gone) return { ok: false, reply: errorReply(404, ERROR_CODES.notFound) };
  return { ok: true, value: session };
}

export function requireSession(
  core: SimulatorCore,
  id: string,
  headers: IncomingHttpHeaders,
): Checked<SimSession> {
  const found = findSession(core, id);
  if (!found.ok) return found;
  const session = found.value;
  const match = /^Bearer (\S+)$/.exec(header(headers, 'authorization') ?? '');
  if (!match) return { ok: false, reply: errorReply(401, ERROR_CODES.unauthorized) };
  const token = match[1]!;
  if (token === session.token) return found;
  if (session.retiredTokens.has(token))
    return { ok: false, reply: errorReply(401, ERROR_CODES.tokenRotated) };
  return { ok: false, reply: errorReply(401, ERROR_CODES.invalidToken) };
}
