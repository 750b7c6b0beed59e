// Read-only snapshots of a session for assertions and the control API. Secrets stay out: the session key
// is never shown; the current affinity token is, because tests check the client adopted it.
import type {
  ChasitorInitRequest,
  TranscriptEntry,
} from '../../providers/salesforce-live-agent/wire-schemas';
import type { ChasitorMessageRecord, DroppedPostRecord, EndReason, SimSession } from './sim-session';

export interface SessionSummary {
  id: string;
  createdAt: number;
  initialized: boolean;
  visitorName: string | undefined;
  agentName: string | undefined;
  /** The chat is over (ChatEnded/ChatRequestFail queued, or the session closed). */
  ended: boolean;
  endReason: EndReason | undefined;
  /** Every request now gets 403. */
  closed: boolean;
  pollOpen: boolean;
  pendingMessages: number;
  awaitingReconnect: boolean;
}

export interface SessionDetails extends SessionSummary {
  endedAt: number | undefined;
  affinityToken: string;
  init: ChasitorInitRequest | undefined;
  transcript: TranscriptEntry[];
  /** Chasitor ChatMessages applied, in order, each with the X-LIVEAGENT-SEQUENCE it carried. */
  chasitorMessages: ChasitorMessageRecord[];
  customEvents: Array<{ type: string; data: string; sequence: number }>;
  chasitorTyping: boolean;
  droppedPosts: DroppedPostRecord[];
  agentMessagesQueued: number;
  seqSeenByServer: number;
  highestSequenceSent: number;
  lastOffsetSent: number | undefined;
  reconnects: Array<{ at: number; offset: number }>;
  resyncs: number;
  pollsStarted: number;
  maxPollGapMs: number;
  lastPollEndedAt: number;
}

export function summarize(s: SimSession): SessionSummary {
  return {
    id: s.id,
    createdAt: s.createdAt,
    initialized: s.initialized,
    visitorName: s.init?.visitorName,
    agentName: s.agent?.name,
    ended: s.chatOver,
    endReason: s.endReason,
    closed: s.closed,
    pollOpen: s.openPoll !== undefined,
    pendingMessages: s.pendingCount(),
    awaitingReconnect: s.awaitingReconnect,
  };
}

export function describe(s: SimSession): SessionDetails {
  return {
    ...summarize(s),
    endedAt: s.endedAt,
    affinityToken: s.affinity,
    init: s.init,
    transcript: s.transcript.map((e) => ({ ...e })),
    chasitorMessages: s.chasitorMessages.map((m) => ({ ...m })),
    customEvents: s.customEvents.map((e) => ({ ...e })),
    chasitorTyping: s.chasitorTyping,
    droppedPosts: s.droppedPosts.map((d) => ({ ...d })),
    agentMessagesQueued: s.agentMessagesQueued,
    seqSeenByServer: s.seqSeenByServer,
    highestSequenceSent: s.highestSequenceSent,
    lastOffsetSent: s.lastOffsetSent,
    reconnects: s.reconnects.map((r) => ({ ...r })),
    resyncs: s.resyncs,
    pollsStarted: s.pollsStarted,
    maxPollGapMs: s.maxPollGapMs,
    lastPollEndedAt: s.lastPollEndedAt,
  };
}
