// The controller's dice: seeded like the simulator's, so `--seed` replays the same chaos schedule.
import { seededRandom } from '../src/simulators/salesforce-live-agent/random';

export interface Dice {
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function dice(seed: number): Dice {
  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random.next() * (max - min + 1));
  return {
    next: random.next,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    chance: (p) => random.next() < p,
  };
}
