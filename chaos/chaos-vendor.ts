// The vendor side of the chaos soak, one adapter per vendor (chaos/vendors/): its simulator, the worker
// variables that enable it, the agent's actions, the faults it can inject, and its own records for the
// verdict. The controller, the conversations and the verdict are written against this only.
import type { ChasitorMessageRecord } from '../src/simulators/salesforce-live-agent/sim-session';
import type { Dice } from './rng';

export interface ChaosVendorSession {
  id: string;
  visitorName?: string;
  /** The vendor knows the chat well enough for an agent to accept it. */
  initialized: boolean;
  ended: boolean;
}

export interface ChaosVendorStats {
  conflicts409: number;
  /** Chats the vendor expired (Live Agent session timeout, GMS flex-disconnect logout). */
  expired: number;
  faultsInjected: number;
  /** Longest time a live chat went without the bridge's poll or refresh (ms). */
  maxGapMs: number;
  /** One line of the vendor's own counts. */
  line: string;
}

export interface ChaosVendor {
  readonly provider: string;
  readonly url: string;
  workerEnv(): Record<string, string>;
  sessions(): ChaosVendorSession[];
  accept(id: string, agentName: string): void;
  sendAgentMessage(id: string, text: string): void;
  endChat(id: string): void;
  /** The customer's messages as the vendor accepted them, in order. */
  customerMessages(id: string): ChasitorMessageRecord[];
  /** The vendor's view of one chat for the verdict's line (its longest gap, its handovers). */
  sessionLine(id: string): string;
  stats(): ChaosVendorStats;

  // ---- faults (each returns what it did, for the log) ----
  /** The vendor moves the chats (a 503 failover, a GMS alias change): all of them without ids. */
  failover(ids?: string[]): void;
  /** The next customer message is applied, its answer cut, and the chat moves before the retry. */
  armMidSendCut(onFired: (id: string, text: string) => void): string;
  serverErrors(dice: Dice): string;
  slowAnswers(dice: Dice): string;
  connectionResets(dice: Dice): string;
  malformedAnswer(dice: Dice): string;
  /** Random faults on a share of requests until `setRandomFaults(false)`. */
  setRandomFaults(on: boolean): string;
  clearFaults(): void;
  /** The vendor sends one message nested `depth` levels deep. */
  poison(id: string, depth: number): void;
  close(): Promise<void>;
}
