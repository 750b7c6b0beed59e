// The `/chat/rest/` resource table: which handler answers which method + path. Unknown paths get 404,
// known paths with the wrong method 405 (docs/protocols/salesforce-live-agent.md §1.8).
import { chasitorNouns, type ChasitorNounName } from './chasitor-nouns';
import { handleChasitorPost, handleMultiNoun } from './chasitor-post';
import { textReply, type Reply, type SimRequest } from './http-reply';
import { handleMessages } from './messages-poll';
import type { SimulatorCore } from './simulator-core';
import { handleDeleteSession, handleReconnectSession, handleSessionId } from './system-handlers';
import {
  handleAvailability,
  handleBreadcrumb,
  handleVisitorId,
  handleVisitorSettings,
} from './visitor-handlers';

export type RouteHandler = (core: SimulatorCore, req: SimRequest) => Reply | Promise<Reply>;

type MethodTable = Partial<Record<'GET' | 'POST' | 'DELETE', RouteHandler>>;

const chasitorRoutes = Object.fromEntries(
  (Object.keys(chasitorNouns) as ChasitorNounName[]).map((name): [string, MethodTable] => [
    `Chasitor/${name}`,
    { POST: (core, req) => handleChasitorPost(core, req, name) },
  ]),
);

const routes: Record<string, MethodTable> = {
  'System/SessionId': { GET: handleSessionId },
  'System/Messages': { GET: handleMessages },
  'System/ReconnectSession': { GET: handleReconnectSession },
  'System/MultiNoun': { POST: handleMultiNoun },
  ...chasitorRoutes,
  'Visitor/Availability': { GET: handleAvailability },
  'Visitor/Settings': { GET: handleVisitorSettings },
  'Visitor/VisitorId': { GET: handleVisitorId },
  'Visitor/Breadcrumb': { POST: handleBreadcrumb },
};

const DELETE_SESSION_PREFIX = 'System/SessionId/';

export type ResolvedRoute = { ok: true; handler: RouteHandler } | { ok: false; reply: Reply };

export function resolveRoute(method: string, routePath: string): ResolvedRoute {
  if (routePath.startsWith(DELETE_SESSION_PREFIX) && routePath.length > DELETE_SESSION_PREFIX.length) {
    if (method !== 'DELETE') return { ok: false, reply: textReply(405, 'Method Not Allowed') };
    let key: string;
    try {
      key = decodeURIComponent(routePath.slice(DELETE_SESSION_PREFIX.length));
    } catch {
      return { ok: false, reply: textReply(400, 'Bad session key in path') };
    }
    return { ok: true, handler: (core, req) => handleDeleteSession(core, req, key) };
  }
  const table = Object.hasOwn(routes, routePath) ? routes[routePath] : undefined;
  if (!table) return { ok: false, reply: textReply(404, 'Not Found') };
  const handler = table[method as keyof MethodTable];
  if (!handler) return { ok: false, reply: textReply(405, 'Method Not Allowed') };
  return { ok: true, handler };
}
