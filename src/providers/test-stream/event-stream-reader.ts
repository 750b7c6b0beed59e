// Turns an open event stream into validated events, chunk by chunk: everything one chunk completes is
// handed over at once, so the connection can return it as one batch. Ends normally when the server
// closes the stream; throws a typed failure for a goaway (handover), a broken event (malformed) or a
// dropped connection (unavailable). Events that arrived before the failure are handed over first.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../shared/failure-types';
import { vendorFailure } from '../vendor-failure';
import type { EventStreamBody } from './http-client';
import { networkFailure, providerName } from './http-client';
import { SseLimitError, SseParser, type SseEvent } from './sse-parser';
import { GOAWAY_EVENT, parseEventData, type WireStreamEvent } from './wire-schemas';

const operation = 'events';

export async function readEventStream(
  body: EventStreamBody,
  after: number | null,
  signal: AbortSignal,
  onEvents: (events: WireStreamEvent[]) => void,
): Promise<void> {
  const parser = new SseParser();
  let last = after ?? 0;
  try {
    for await (const chunk of body) {
      const batch: WireStreamEvent[] = [];
      try {
        for (const sse of parser.push(chunk)) {
          if (sse.type === GOAWAY_EVENT) throw goaway();
          const event = validate(sse, last);
          last = event.id;
          batch.push(event);
        }
      } finally {
        // Whatever was valid before a failure is still the session's: hand it over first.
        if (batch.length > 0) onEvents(batch);
      }
    }
  } catch (err) {
    if (isTyped(err)) throw err;
    if (err instanceof SseLimitError) throw malformed(err.message);
    throw networkFailure(err, { signal, operation });
  } finally {
    parser.end();
  }
}

function validate(sse: SseEvent, last: number): WireStreamEvent {
  if (!/^[0-9]{1,15}$/.test(sse.lastEventId))
    throw malformed(`'${typeName(sse)}' event without an integer id`);
  const id = Number(sse.lastEventId);
  // Ids only grow: a repeated or smaller id would be a doubled event.
  if (id <= last) throw malformed(`event id ${id} does not follow ${last}`);
  let data: unknown;
  try {
    data = JSON.parse(sse.data);
  } catch {
    throw malformed(`data of event ${id} is not JSON (${sse.data.length} characters)`);
  }
  const parsed = parseEventData(sse.type, data);
  if (!parsed.ok) {
    const issue = parsed.error.issues[0];
    throw malformed(
      `data of '${typeName(sse)}' event ${id} does not match the documented shape at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`,
    );
  }
  return { id, type: sse.type, data, known: parsed.known };
}

function goaway() {
  return vendorFailure(FailureType.handoverRequired, 'the server rotated the token (goaway)', {
    provider: providerName,
    operation,
  });
}

function malformed(message: string) {
  return vendorFailure(FailureType.malformedResponse, message, { provider: providerName, operation });
}

function isTyped(err: unknown): boolean {
  return err instanceof ApplicationFailure;
}

/** Event types come from the server: quoted short, so a broken stream cannot flood a failure message. */
function typeName(sse: SseEvent): string {
  return sse.type.slice(0, 40);
}
