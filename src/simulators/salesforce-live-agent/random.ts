// A seedable PRNG for chaos decisions, so a failing chaos run can be replayed with the same seed.
// Identifiers and secrets use node:crypto instead (see ids.ts): they must be unguessable, not replayable.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  pick<T>(items: readonly [T, ...T[]]): T;
}

/** mulberry32: tiny, fast, good enough for fault dice. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: (items) => items[Math.floor(next() * items.length)] ?? items[0],
  };
}
