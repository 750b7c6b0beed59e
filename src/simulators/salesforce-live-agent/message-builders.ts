// Bodies of the messages the simulated server queues, typed by the wire schemas' inferred types so the
// simulator cannot drift from what the client parses.
import type {
  ChasitorSessionDataBody,
  ChatEstablishedBody,
  ChatRequestSuccessBody,
  ChatTransferredBody,
  FileTransferBody,
} from '../../providers/salesforce-live-agent/wire-schemas';
import { newFileToken } from './ids';
import type { AgentInfo, SimSession } from './sim-session';

/** Idle-timeout warnings are off: the simulator never ends a chat for chasitor silence. */
const idleTimeoutOff = { isEnabled: false, warningTime: 0, timeout: 0 };

export function chatRequestSuccess(session: SimSession, connectionTimeoutMs: number): ChatRequestSuccessBody {
  return {
    queuePosition: session.queuePosition,
    estimatedWaitTime: -1,
    geoLocation: {},
    url: '',
    oref: '',
    postChatUrl: '',
    customDetails: session.init?.prechatDetails ?? [],
    visitorId: session.id,
    connectionTimeout: connectionTimeoutMs,
    sensitiveDataRules: [],
    transcriptSaveEnabled: false,
  };
}

export function chatEstablished(agent: AgentInfo): ChatEstablishedBody {
  return {
    name: agent.name,
    userId: agent.id,
    sneakPeekEnabled: false,
    chasitorIdleTimeout: idleTimeoutOff,
    items: [],
  };
}

export function chatTransferred(agent: AgentInfo): ChatTransferredBody {
  return { name: agent.name, userId: agent.id, sneakPeekEnabled: false, chasitorIdleTimeout: idleTimeoutOff };
}

export function fileTransferRequested(origin: string): FileTransferBody {
  // The upload servlet lives outside the chat API (docs/protocols/salesforce-live-agent.md §1.3); these URLs are not served.
  return {
    type: 'Requested',
    uploadServletUrl: `${origin}/__files/upload`,
    fileToken: newFileToken(),
    cdmServletUrl: `${origin}/__files/cdm`,
  };
}

/** The first message after a ReconnectSession: the state and transcript so far (§1.9 step 4). */
export function chasitorSessionData(session: SimSession): ChasitorSessionDataBody {
  return {
    queuePosition: session.queuePosition,
    geoLocation: {},
    url: '',
    oref: '',
    postChatUrl: '',
    sneakPeekEnabled: false,
    chatMessages: session.transcript.map((entry) => ({ ...entry })),
  };
}
