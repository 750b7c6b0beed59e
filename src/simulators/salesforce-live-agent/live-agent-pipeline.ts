// One `/chat/rest/...` request end to end: route, chaos failover, fault, handler, answer. Faults wrap the
// handlers so no handler needs to know about them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIVE_AGENT_HEADERS } from '../../providers/salesforce-live-agent/wire-schemas';
import { sleepUnlessAborted } from '../../util/abortable-sleep';
import type { AppliedFault } from './faults';
import { header, textReply, writeReply, type Reply, type SimRequest } from './http-reply';
import { BodyTooLargeError, readBody } from './request-body';
import { resolveRoute } from './routes';
import type { SimulatorCore } from './simulator-core';

const MESSAGES_PATH = 'System/Messages';

/** A 200 the client cannot use: truncated JSON, or JSON that breaks the Messages schema. */
const MALFORMED_BODIES = {
  'invalid-json': '{"messages":[{"type":"ChatMessage","message":{"text":"trunc',
  schema: '{"messages":{"type":"ChatMessage"},"sequence":"seventeen"}',
} as const;

/** Aborts when the client closes the connection before it got its answer. */
function clientGoneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

function send(core: SimulatorCore, res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  if (reply.kind === 'answer' && reply.status === 503) core.counters.status503Sent += 1;
  writeReply(res, reply);
}

/** A Messages request the server answered with a fault was still a poll: it restarts the expiry clock. */
function notePolled(core: SimulatorCore, routePath: string, sessionKey: string | undefined): void {
  if (routePath !== MESSAGES_PATH) return;
  const session = core.store.byKey(sessionKey);
  if (!session || core.checkExpiry(session)) return;
  session.notePollInstant(core.now());
}

function maybeFailover(core: SimulatorCore, sessionKey: string | undefined): void {
  if (core.failoverRate <= 0 || core.random.next() >= core.failoverRate) return;
  const session = core.store.byKey(sessionKey);
  if (session) core.failover(session);
}

/** The answer a fault gives instead of the handler's, if it replaces it. */
function faultReply(fault: AppliedFault): Reply | undefined {
  switch (fault.kind) {
    case 'status':
      return textReply(
        fault.status,
        fault.status === 503 ? 'Service Unavailable' : `Simulated ${fault.status}`,
      );
    case 'reset':
      return fault.phase === 'before' ? { kind: 'destroy' } : undefined;
    case 'malformed':
      return {
        kind: 'answer',
        status: 200,
        body: MALFORMED_BODIES[fault.variant],
        contentType: 'application/json',
      };
    case 'latency':
      return undefined;
  }
}

export async function handleLiveAgentRequest(
  core: SimulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  routePath: string,
  query: URLSearchParams,
): Promise<void> {
  core.counters.requests += 1;
  const signal = clientGoneSignal(res);
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof BodyTooLargeError) send(core, res, textReply(413, error.message));
    return;
  }
  const request: SimRequest = {
    method: req.method ?? 'GET',
    routePath,
    query,
    headers: req.headers,
    body,
    signal,
  };
  const route = resolveRoute(request.method, routePath);
  if (!route.ok) return send(core, res, route.reply);

  const sessionKey = header(request, LIVE_AGENT_HEADERS.sessionKey);
  maybeFailover(core, sessionKey);
  const fault = core.faults.take(routePath);
  if (fault) {
    core.counters.faultsInjected += 1;
    core.emit('fault', routePath, fault.kind);
    if (fault.kind === 'latency') await sleepUnlessAborted(fault.ms, signal);
    if (signal.aborted) return;
    const replaced = faultReply(fault);
    if (replaced) {
      notePolled(core, routePath, sessionKey);
      return send(core, res, replaced);
    }
  }
  const reply = await route.handler(core, request);
  const dropAnswer = fault?.kind === 'reset' && fault.phase === 'after';
  send(core, res, dropAnswer ? { kind: 'destroy' } : reply);
}
