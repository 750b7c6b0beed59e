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
  /**
   * Redriven dead letters, in index order: delivered before the rest, and kept apart because they are
   * older than events already delivered ("delivered through n" says nothing about them).
   */
  redriven?: SessionEvent[];
}

/** Everything still to deliver, redriven dead letters first. */
export function undelivered(state: BacklogState): SessionEvent[] {
  return [...(state.redriven ?? []), ...state.pendingDeliveries];
}

/** The webhook took `batch` through `throughIndex`; the batch came from the redriven list or the backlog. */
export function markBatchDelivered(state: BacklogState, batch: SessionEvent[], throughIndex: number): number {
  const redriven = state.redriven ?? [];
  if (batch.length > 0 && redriven.length > 0 && redriven[0]!.id === batch[0]!.id) {
    const taken = new Set(batch.filter((e) => e.index <= throughIndex).map((e) => e.id));
    state.redriven = redriven.filter((e) => !taken.has(e.id));
    return taken.size;
  }
  return markDelivered(state, throughIndex);
}

/** Dead letters kept in state, in JSON bytes (the newest are kept): state travels in continue-as-new. */
export const deadLetterBudgetBytes = 256 * 1024;

/** The JSON size of dead letters, as the budget counts them (a backlog handed over with its letters). */
export function deadLetterBytesOf(letters: readonly DeadLetter[]): number {
  return letters.reduce((bytes, letter) => bytes + jsonSize(letter), 0);
}

/** The webhook accepted everything through `throughIndex`. Returns how many events that confirmed. */
export function markDelivered(state: BacklogState, throughIndex: number): number {
  const before = state.pendingDeliveries.length;
  state.pendingDeliveries = state.pendingDeliveries.filter((e) => e.index > throughIndex);
  state.deliveredThrough = Math.max(state.deliveredThrough, throughIndex);
  return before - state.pendingDeliveries.length;
}

/** The webhook will never take this event: it leaves the backlog (the events after it go on). */
export function deadLetter(state: BacklogState, index: number, reason: string, nowMs: number): void {
  const list = state.redriven?.some((e) => e.index === index) ? state.redriven : state.pendingDeliveries;
  const at = list.findIndex((e) => e.index === index);
  if (at < 0) return;
  const [event] = list.splice(at, 1);
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
  const expired = undelivered(state).filter((e) => waitingSinceMs(state, e) <= cutoffMs);
  for (const event of expired)
    deadLetter(state, event.index, 'not delivered within the delivery horizon', nowMs);
  return expired.length;
}

/** How long the oldest pending event may still wait before it becomes a dead letter. */
export function horizonLeftMs(state: BacklogState, horizonMs: number, nowMs: number): number {
  const head = undelivered(state)[0];
  return head ? waitingSinceMs(state, head) + horizonMs - nowMs : horizonMs;
}

export function deadLettersView(state: BacklogState): DeadLettersView {
  return {
    deadLetters: state.deadLetters ?? [],
    total: state.deadLettersTotal ?? 0,
    dropped: state.deadLettersDropped ?? 0,
  };
}

/** Puts the kept dead letters back to delivery, first, in index order, with a new horizon. Returns how many. */
export function redrive(state: BacklogState, nowMs: number): number {
  const letters = state.deadLetters ?? [];
  if (letters.length === 0) return 0;
  state.redrivenAtMs = nowMs;
  state.redriven = [...(state.redriven ?? []), ...letters.map((l) => l.event)].sort(
    (a, b) => a.index - b.index,
  );
  state.deadLetters = [];
  state.deadLetterBytes = 0;
  return letters.length;
}

function jsonSize(value: unknown): number {
  return JSON.stringify(value).length;
}
