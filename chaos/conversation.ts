// Both sides of one chat during the soak. The customer sends through the sendMessage update, one
// message at a time, and retries a failed call with the SAME clientMessageId (what a real backend
// must do when a server restart breaks the call). The agent sends through the simulator on its own
// schedule, independent of the customer's possibly slow sends.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ChaosVendor } from './chaos-vendor';
import { sleep } from './progress';
import type { Dice } from './rng';
import type { CustomerMessage, SessionRecord } from './session-record';
import type { TemporalLink } from './temporal-link';

/** One sendMessage attempt may wait for a send stranded on a killed worker (30 s start-to-close). */
const SEND_ATTEMPT_TIMEOUT_MS = 60_000;
const RETRY_PAUSE_MS = 1_000;

export interface ConversationStats {
  customerRetries: number;
}

export class Conversation {
  private stopped = false;
  private giveUpAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly record: SessionRecord,
    private readonly link: TemporalLink,
    private readonly sim: Pick<ChaosVendor, 'sendAgentMessage'>,
    private readonly dice: Dice,
    private readonly stats: ConversationStats,
    private readonly pauseMs: { min: number; max: number },
  ) {}

  /** Runs both sides until stop(); resolves once the customer's last send has settled. */
  run(): Promise<void> {
    return Promise.all([this.customerSide(), this.agentSide()]).then(() => undefined);
  }

  /** No new messages; an in-flight customer send keeps retrying until `giveUpAt`. */
  stop(giveUpAt: number): void {
    this.stopped = true;
    this.giveUpAt = giveUpAt;
  }

  private async customerSide(): Promise<void> {
    await sleep(this.dice.int(0, this.pauseMs.max));
    while (!this.stopped) {
      const n = this.record.customerSent.length + 1;
      const message: CustomerMessage = {
        clientMessageId: `${this.record.label}-c${n}`,
        text: `${this.record.label} customer #${n}`,
        status: 'pending',
        attempts: 0,
      };
      this.record.customerSent.push(message);
      await this.deliver(message);
      if (message.status === 'refused') return; // the session is over; the audit reports why
      await sleep(this.dice.int(this.pauseMs.min, this.pauseMs.max));
    }
  }

  private async deliver(message: CustomerMessage): Promise<void> {
    for (;;) {
      message.attempts += 1;
      try {
        await this.link.call(SEND_ATTEMPT_TIMEOUT_MS, (sessions) =>
          sessions.send(this.record.key, { clientMessageId: message.clientMessageId, text: message.text }),
        );
        message.status = 'accepted';
        return;
      } catch (err) {
        message.lastError = describe(err);
        // The workflow's own answer (ended, rejected, invalid) will not change on a retry.
        if (err instanceof WorkflowUpdateFailedError) {
          message.status = 'refused';
          return;
        }
        if (Date.now() > this.giveUpAt) return; // stays 'pending': the audit counts it
        this.stats.customerRetries += 1;
        await sleep(RETRY_PAUSE_MS);
      }
    }
  }

  private async agentSide(): Promise<void> {
    const vendorId = this.record.vendorId!;
    await sleep(this.dice.int(0, this.pauseMs.max));
    while (!this.stopped) {
      const text = `${this.record.label} agent #${this.record.agentSent.length + 1}`;
      try {
        this.sim.sendAgentMessage(vendorId, text);
        this.record.agentSent.push(text);
      } catch (err) {
        // The simulator refuses only when the chat is over (expired, 409): recorded, the audit shows it.
        this.record.agentErrors.push(describe(err));
        return;
      }
      await sleep(this.dice.int(this.pauseMs.min, this.pauseMs.max));
    }
  }
}

export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
  return `${err.name}: ${err.message}${cause}`;
}
