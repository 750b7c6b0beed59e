// What one agent does during the presence soak: calls arrive and are released a few seconds later, and
// now and then the agent rests and is ready again through the caller's `setState` (retried across
// outages; refused while the agent is in a call or signed out, which is fine). Only while the gateway
// has the agent signed in: a call cannot reach a signed-out agent.
import { AgentPresences, type AgentKey } from '../../src/client';
import type { GatewaySimulator } from '../../src/simulators/huawei-cc-gateway/gateway-simulator';
import { sleep } from '../progress';
import type { Dice } from '../rng';
import type { TemporalLink } from '../temporal-link';

export interface ActivityCounts {
  calls: number;
  stateChanges: number;
  /** setState refused or timed out (an outage, a call, a sign-out under way): not a failure. */
  stateRefusals: number;
}

export class AgentActivity {
  private stopped = false;

  constructor(
    private readonly key: AgentKey,
    private readonly sim: GatewaySimulator,
    private readonly link: TemporalLink,
    private readonly taskQueue: string,
    private readonly dice: Dice,
    private readonly counts: ActivityCounts,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<void> {
    let call = 0;
    while (!this.stopped) {
      await sleep(this.dice.int(2_000, 6_000));
      if (this.stopped) break;
      const agent = this.sim.agent(this.key.agentId);
      const talking = () => agent.state === 'talking';
      if (!agent.signedIn || talking()) continue;
      if (this.dice.chance(0.2)) {
        await this.setState('rest');
        await sleep(this.dice.int(500, 2_000));
        await this.setState('ready');
        continue;
      }
      const callid = `${this.key.agentId}-c${++call}`;
      this.sim.callArrives(this.key.agentId, callid);
      this.counts.calls += 1;
      await sleep(this.dice.int(1_000, 4_000));
      // Released only if the sign-in that took it still stands (a failover ends the call with it).
      if (agent.signedIn && talking()) this.sim.callReleased(this.key.agentId, callid);
    }
  }

  private async setState(state: 'rest' | 'ready'): Promise<void> {
    try {
      await this.link.call(15_000, (_s, client) =>
        new AgentPresences(client, { taskQueue: this.taskQueue }).setState(this.key, state),
      );
      this.counts.stateChanges += 1;
    } catch {
      this.counts.stateRefusals += 1;
    }
  }
}
