// What was sent each way through the bridge and what arrived, for the lost / duplicated counts:
// agent texts vs the webhook's keys per text, customer texts vs what the simulator accepted.
import type { LiveAgentSimulator } from '../src/simulators/salesforce-live-agent/live-agent-simulator';
import type { WebhookSink } from './webhook-sink';

export interface RelayAudit {
  agentSent: number;
  customerSent: number;
  lostAgent: number;
  lostCustomer: number;
  duplicatedAgent: number;
  duplicatedCustomer: number;
  /** sendMessage updates that failed (their text may still have reached the vendor). */
  sendErrors: number;
  /** The first few send errors, to tell a timeout from a rejection. */
  sendErrorSamples: string[];
}

export class RelayLedger {
  private readonly agentSent = new Set<string>();
  /** Customer text → vendor session it was sent to. */
  private readonly customerSent = new Map<string, string>();
  /** Customer text → times the simulator accepted it. */
  private readonly accepted = new Map<string, number>();
  sendErrors = 0;
  private readonly sendErrorSamples: string[] = [];

  constructor(sim: LiveAgentSimulator) {
    sim.on('chasitorMessage', (_sessionId, text) => {
      if (this.customerSent.has(text)) this.accepted.set(text, (this.accepted.get(text) ?? 0) + 1);
    });
  }

  sendFailed(err: unknown): void {
    this.sendErrors += 1;
    if (this.sendErrorSamples.length < 5)
      this.sendErrorSamples.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }

  agentMessage(text: string): void {
    this.agentSent.add(text);
  }

  customerMessage(text: string, vendorId: string): void {
    this.customerSent.set(text, vendorId);
  }

  /** Everything sent has arrived (used to drain before the audit). */
  settled(sink: WebhookSink): boolean {
    for (const text of this.agentSent) if (!sink.keysByText.has(text)) return false;
    for (const text of this.customerSent.keys()) if (!this.accepted.has(text)) return false;
    return true;
  }

  audit(sink: WebhookSink, sim: LiveAgentSimulator): RelayAudit {
    let lostAgent = 0;
    let duplicatedAgent = 0;
    for (const text of this.agentSent) {
      const keys = sink.keysByText.get(text)?.size ?? 0;
      if (keys === 0) lostAgent += 1;
      if (keys > 1) duplicatedAgent += keys - 1;
    }
    // Cross-check the event counts against each vendor session's own record of accepted messages.
    const recorded = new Map<string, number>();
    for (const vendorId of new Set(this.customerSent.values())) {
      for (const m of sim.session(vendorId).chasitorMessages)
        recorded.set(m.text, (recorded.get(m.text) ?? 0) + 1);
    }
    let lostCustomer = 0;
    let duplicatedCustomer = 0;
    for (const text of this.customerSent.keys()) {
      const times = Math.max(this.accepted.get(text) ?? 0, recorded.get(text) ?? 0);
      if (times === 0) lostCustomer += 1;
      if (times > 1) duplicatedCustomer += times - 1;
    }
    return {
      agentSent: this.agentSent.size,
      customerSent: this.customerSent.size,
      lostAgent,
      lostCustomer,
      duplicatedAgent,
      duplicatedCustomer,
      sendErrors: this.sendErrors,
      sendErrorSamples: [...this.sendErrorSamples],
    };
  }
}
