// The fault actions the GMS and CC-Gateway simulators share (their `injectFaults` take the same fields):
// slow answers, connections cut before or after the vendor handled a call, a body that is not JSON.
import type { Dice } from '../rng';

interface CommonFaults {
  latencyNext?: number;
  latencyMs?: number;
  resetNext?: number;
  dropReplyNext?: number;
  malformedNext?: number;
}

export function commonFaultActions(inject: (faults: CommonFaults) => void) {
  return {
    slowAnswers(dice: Dice): string {
      const ms = dice.int(2_000, 6_000);
      const count = dice.int(2, 5);
      inject({ latencyNext: count, latencyMs: ms });
      return `inject ${ms} ms latency x${count}`;
    },
    connectionResets(dice: Dice): string {
      const count = dice.int(1, 3);
      // 'after': the vendor applied the call and the client never heard back.
      const after = dice.pick([true, false]);
      inject(after ? { dropReplyNext: count } : { resetNext: count });
      return `inject connection reset (${after ? 'after' : 'before'} handling) x${count}`;
    },
    malformedAnswer(): string {
      inject({ malformedNext: 1 });
      return 'inject a body that is not JSON';
    },
  };
}
