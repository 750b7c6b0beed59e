// The rules of a delivery backlog, shared by the chat session and the deliveries workflow an ended chat
// hands its backlog to: events wait in index order; one the webhook refuses for good, or that waits past
// the delivery horizon, becomes a dead letter (kept within a size budget, counted, redriven on request).
// Plain functions over plain JSON state, so they unit-test without a server.
import type { DeadLetter, DeadLettersView, SessionEvent } from '../shared/session-types';

export interface BacklogState {
  pendingDeliveries: SessionEvent[];
  deliveredThrough: number;
  deadLetters?: DeadLetter[];
  deadLettersTotal?: number;
  deadLettersDropped?: number;
  /** JSON size of the kept dead letters. */
  deadLetterBytes?: number;
  /** The last redrive: the horizon of every event waiting then starts again from here. */
  redrivenAtMs?: number;
}

/** Dead letters kept in state, in JSON bytes (the newest are kept): state travels in continue-as-new. */
export const deadLetterBudgetBytes = 256 * 1024;

/** The webhook accepted everything through `throughIndex`. Returns how many events that confirmed. */
export function markDelivered(state: BacklogState, throughIndex: number): number {
  const before = state.pendingDeliveries.length;
  state.pendingDeliveries = state.pendingDeliveries.filter((e) => e.index > throughIndex);
  state.deliveredThrough = Math.max(state.deliveredThrough, throughIndex);
  return before - state.pendingDeliveries.length;
}

/** The webhook will never take this event: it leaves the backlog (the events after it go on). */
export function deadLetter(state: BacklogState, index: number, reason: string, nowMs: number): void {
  const at = state.pendingDeliveries.findIndex((e) => e.index === index);
  if (at < 0) return;
  const [event] = state.pendingDeliveries.splice(at, 1);
  const letters = (state.deadLetters ??= []);
  letters.push({ event: event!, reason, at: new Date(nowMs).toISOString() });
  state.deadLettersTotal = (state.deadLettersTotal ?? 0) + 1;
  let bytes = (state.deadLetterBytes ?? 0) + jsonSize(letters.at(-1));
  while (letters.length > 1 && bytes > deadLetterBudgetBytes) {
    bytes -= jsonSize(letters.shift());
    state.deadLettersDropped = (state.deadLettersDropped ?? 0) + 1;
  }
  state.deadLetterBytes = bytes;
}

/** When an event's wait for the webhook began: its receipt, or the last redrive. */
function waitingSinceMs(state: BacklogState, event: SessionEvent): number {
  return Math.max(Date.parse(event.at), state.redrivenAtMs ?? 0);
}

/** Pending events waiting since `cutoffMs` or earlier become dead letters. Returns how many. */
export function expireBefore(state: BacklogState, cutoffMs: number, nowMs: number): number {
  const expired = state.pendingDeliveries.filter((e) => waitingSinceMs(state, e) <= cutoffMs);
  for (const event of expired)
    deadLetter(state, event.index, 'not delivered within the delivery horizon', nowMs);
  return expired.length;
}

/** How long the oldest pending event may still wait before it becomes a dead letter. */
export function horizonLeftMs(state: BacklogState, horizonMs: number, nowMs: number): number {
  const head = state.pendingDeliveries[0];
  return head ? waitingSinceMs(state, head) + horizonMs - nowMs : horizonMs;
}

export function deadLettersView(state: BacklogState): DeadLettersView {
  return {
    deadLetters: state.deadLetters ?? [],
    total: state.deadLettersTotal ?? 0,
    dropped: state.deadLettersDropped ?? 0,
  };
}

/** Puts the kept dead letters back in the backlog, in index order, with a new horizon. Returns how many. */
export function redrive(state: BacklogState, nowMs: number): number {
  const letters = state.deadLetters ?? [];
  if (letters.length === 0) return 0;
  state.redrivenAtMs = nowMs;
  state.pendingDeliveries = [...letters.map((l) => l.event), ...state.pendingDeliveries].sort(
    (a, b) => a.index - b.index,
  );
  state.deadLetters = [];
  state.deadLetterBytes = 0;
  return letters.length;
}

function jsonSize(value: unknown): number {
  return JSON.stringify(value).length;
}
