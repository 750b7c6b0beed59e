// The first batch after a sign-in the caller has not heard of: `agentSignedOut` for the sign-out that was
// healed (if any), then `agentSignedIn`. Its cursor records the announcement, so it is told once, by
// whichever worker receives first.
import type { ReceivedBatch } from '../chat-provider';
import type { PresenceCredentials, PresenceCursor } from './presence-credentials';

export function announcement(
  credentials: PresenceCredentials,
  cursor: PresenceCursor,
): ReceivedBatch | undefined {
  if (cursor.announced >= credentials.signIn) return undefined;
  const { agentId, skills, forced } = credentials;
  return {
    events: [
      ...(credentials.healedFrom && credentials.signIn > 1
        ? [{ kind: 'agentSignedOut' as const, agentId, reason: credentials.healedFrom }]
        : []),
      {
        kind: 'agentSignedIn' as const,
        agentId,
        skills: skills === 'all' ? ['all'] : skills,
        mode: credentials.mode,
        forced,
        healed: credentials.signIn > 1,
      },
    ],
    cursor: { ...cursor, announced: credentials.signIn, lastState: 'ready' },
  };
}
