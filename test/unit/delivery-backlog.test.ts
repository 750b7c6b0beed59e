// The delivery backlog's rules (dead letters, the horizon, redrive), without a server.
import assert from 'node:assert/strict';
import {
  deadLetter,
  deadLetterBudgetBytes,
  deadLetterBytesOf,
  deadLettersView,
  expireBefore,
  horizonLeftMs,
  markBatchDelivered,
  markDelivered,
  redrive,
  undelivered,
  type BacklogState,
} from '../../src/workflows/delivery-backlog';
import type { SessionEvent } from '../../src/shared/session-types';

const t0 = Date.parse('2026-12-03T12:00:00.000Z');

function event(index: number, atMs = t0 + index, text = `message ${index}`): SessionEvent {
  return {
    id: `uid:${index}`,
    index,
    at: new Date(atMs).toISOString(),
    event: { kind: 'messageReceived', text },
  };
}

function backlog(events: SessionEvent[]): BacklogState {
  return { pendingDeliveries: events, deliveredThrough: -1 };
}

describe('delivery backlog (pure rules)', () => {
  it('a dead letter leaves the backlog; the events after it go on, and it is listed with its reason', () => {
    const state = backlog([event(0), event(1), event(2)]);
    deadLetter(state, 1, 'webhook answered HTTP 410', t0 + 5);
    assert.deepEqual(
      state.pendingDeliveries.map((e) => e.index),
      [0, 2],
    );
    assert.deepEqual(deadLettersView(state), {
      deadLetters: [
        { event: event(1), reason: 'webhook answered HTTP 410', at: new Date(t0 + 5).toISOString() },
      ],
      total: 1,
      dropped: 0,
    });
    deadLetter(state, 7, 'not pending', t0);
    assert.equal(deadLettersView(state).total, 1, 'an index that is not pending changes nothing');
  });

  it('events past the horizon expire into dead letters; the horizon left counts from the oldest', () => {
    const hour = 3_600_000;
    const state = backlog([event(0, t0), event(1, t0 + hour), event(2, t0 + 2 * hour)]);
    assert.equal(horizonLeftMs(state, 3 * hour, t0 + hour), 2 * hour);
    assert.equal(expireBefore(state, t0 + hour, t0 + 4 * hour), 2);
    assert.deepEqual(
      state.pendingDeliveries.map((e) => e.index),
      [2],
    );
    assert.deepEqual(
      deadLettersView(state).deadLetters.map((l) => [l.event.index, l.reason]),
      [
        [0, 'not delivered within the delivery horizon'],
        [1, 'not delivered within the delivery horizon'],
      ],
    );
  });

  it('dead letters stay within their size budget: the oldest are dropped and counted', () => {
    const big = 'x'.repeat(60 * 1024);
    const state = backlog([0, 1, 2, 3, 4, 5].map((i) => event(i, t0, big)));
    for (let i = 0; i < 6; i += 1) deadLetter(state, i, 'refused', t0);
    const view = deadLettersView(state);
    assert.equal(view.total, 6);
    assert.ok(view.dropped >= 2, `dropped ${view.dropped}`);
    assert.equal(view.deadLetters.length + view.dropped, 6);
    assert.ok(JSON.stringify(view.deadLetters).length <= deadLetterBudgetBytes);
    assert.equal(view.deadLetters.at(-1)?.event.index, 5, 'the newest are kept');
  });

  it('a backlog handed over with its dead letters keeps one budget for the old letters and the new together', () => {
    const big = 'x'.repeat(60 * 1024);
    const before = backlog([0, 1, 2].map((i) => event(i, t0, big)));
    for (let i = 0; i < 3; i += 1) deadLetter(before, i, 'refused', t0);
    const letters = deadLettersView(before).deadLetters;
    // The deliveries workflow starts from the chat's letters and its own new events.
    const handed: BacklogState = {
      ...backlog([3, 4, 5].map((i) => event(i, t0, big))),
      deadLetters: [...letters],
      deadLettersTotal: 3,
      deadLetterBytes: deadLetterBytesOf(letters),
    };
    for (let i = 3; i < 6; i += 1) deadLetter(handed, i, 'refused', t0);
    const view = deadLettersView(handed);
    assert.equal(view.total, 6);
    assert.ok(JSON.stringify(view.deadLetters).length <= deadLetterBudgetBytes, 'within one budget');
    assert.ok(view.dropped >= 2, `dropped ${view.dropped}`);
    assert.equal(view.deadLetters.at(-1)?.event.index, 5);
  });

  it('redrive puts the kept dead letters back first, in index order; "delivered through n" never takes them', () => {
    const state = backlog([event(0), event(1), event(2), event(3)]);
    deadLetter(state, 0, 'refused', t0);
    deadLetter(state, 2, 'refused', t0);
    assert.equal(markDelivered(state, 1), 1);
    assert.equal(redrive(state, t0 + 10), 2);
    assert.equal(horizonLeftMs(state, 1_000, t0 + 10), 1_000, 'the horizon starts again at the redrive');
    assert.deepEqual(
      undelivered(state).map((e) => e.index),
      [0, 2, 3],
    );
    // The rest of the backlog is confirmed past them (a hub delivered later events): they stay.
    assert.equal(markDelivered(state, 3), 1);
    assert.deepEqual(
      undelivered(state).map((e) => e.index),
      [0, 2],
    );
    assert.equal(markBatchDelivered(state, undelivered(state), 2), 2, 'only their own delivery removes them');
    assert.deepEqual(undelivered(state), []);
    assert.deepEqual(deadLettersView(state).deadLetters, []);
    assert.equal(deadLettersView(state).total, 2, 'the total still counts them');
    assert.equal(redrive(state, t0 + 20), 0);
  });
});
