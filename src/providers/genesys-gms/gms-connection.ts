// The receiving side of one GMS chat, held by the hub: one `refresh` per call (GMS never holds a request;
// the hub paces the calls by the profile's receiveIntervalMs), from the transcript position the session
// recorded. The refresh is also what keeps the client in the chat (flex-disconnect-timeout).
// Like the Widgets' `pollExceptionLimit`, failed refreshes in a row tell the channel the chat server went
// offline, once, and the first refresh that works tells it it is back; the session keeps going.
import { FailureType } from '../../shared/failure-types';
import type { BridgeEvent } from '../../shared/events';
import {
  VendorCredentialsChanged,
  type JsonObject,
  type ReceivedBatch,
  type VendorConnection,
} from '../chat-provider';
import { isFailureType } from '../vendor-failure';
import type { GmsChatApi } from './chat-api';
import type { GmsCursor } from './config';
import { TranscriptReader } from './to-bridge-event';
import type { GmsCredentials } from './wire-schemas';

export class GmsConnection implements VendorConnection {
  private failuresInARow = 0;
  private closed = false;

  constructor(
    private readonly api: GmsChatApi,
    private readonly credentials: GmsCredentials,
    private readonly pollExceptionLimit: number,
  ) {}

  async next(cursor: JsonObject, signal: AbortSignal): Promise<ReceivedBatch> {
    if (this.closed) throw new Error('genesys-gms connection is closed');
    const from = transcriptPositionOf(cursor);
    // Who is in the chat travels with the cursor: a transfer is read from it, whoever held the chat before.
    const agents = agentsOf(cursor);
    // The channel was told the server went offline: the cursor remembers it until it hears it is back,
    // whichever connection (a new hub, after a handover) sees the first refresh that works.
    const offline = (cursor as Partial<GmsCursor>).offline === true;
    let verdict;
    try {
      verdict = await this.api.call('refresh', this.credentials, { transcriptPosition: from }, signal);
    } catch (err) {
      if (!isFailureType(err, FailureType.vendorUnavailable) || signal.aborted) throw err;
      this.failuresInARow += 1;
      if (this.failuresInARow < this.pollExceptionLimit || offline) throw err;
      return { events: [{ kind: 'serverWentOffline' }], cursor: at(from, agents, true) };
    }
    this.failuresInARow = 0;
    if (verdict.kind === 'ok' && verdict.credentialsChanged) {
      // The chat moved to another Chat Server: the session records the new credentials and reconnects;
      // this refresh's transcript is asked for again with them.
      throw new VendorCredentialsChanged(
        verdict.credentials,
        `genesys-gms refresh: the chat moved (alias ${this.credentials.alias} → ${verdict.credentials.alias})`,
      );
    }
    const reply = verdict.reply;
    const reader = new TranscriptReader(agents);
    const backOnline: BridgeEvent[] = offline ? [{ kind: 'serverBackOnline' }] : [];
    const events = [...backOnline, ...reader.read(reply.messages ?? [], verdict.kind === 'ended')];
    // A refusal that says the chat ended carries no position: stay where we are.
    const next = verdict.kind === 'ok' ? (reply.nextPosition ?? from) : from;
    return { events, cursor: at(Math.max(from, next), reader.agents()) };
  }

  close(): void {
    this.closed = true;
  }
}

function at(transcriptPosition: number, agents: Array<[string, string]>, offline = false): GmsCursor {
  return {
    transcriptPosition,
    ...(agents.length > 0 ? { agents } : {}),
    ...(offline ? { offline: true } : {}),
  };
}

/** The agents in the chat as the cursor records them (absent: none yet). */
function agentsOf(cursor: JsonObject): Array<[string, string]> {
  const agents = (cursor as Partial<GmsCursor>).agents;
  if (!Array.isArray(agents)) return [];
  return agents.filter(
    (a): a is [string, string] => Array.isArray(a) && typeof a[0] === 'string' && typeof a[1] === 'string',
  );
}

function transcriptPositionOf(cursor: JsonObject): number {
  const value = (cursor as Partial<GmsCursor>).transcriptPosition;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new Error(`genesys-gms cursor must have an integer transcriptPosition, got ${String(value)}`);
  }
  return value as number;
}
