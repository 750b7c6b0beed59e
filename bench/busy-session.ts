// Events per relayed message: one session alone, messages one at a time each way (no batching can
// flatter the figure), history length before and after each direction once the session is quiet.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { ChatSessions } from '../src/client';
import type { LiveAgentSimulator } from '../src/simulators/salesforce-live-agent/live-agent-simulator';
import { eventTypesAfter, settledHistory } from './history-probe';
import { summarize, type LatencySummary } from './percentiles';
import { sleep } from './progress';
import type { RelayLedger } from './relay-ledger';
import type { SessionFleet } from './session-fleet';
import type { WebhookSink } from './webhook-sink';

export interface BusySessionFigures {
  messagesEachWay: number;
  /** Latencies of a lone session with nothing else running: the best the bridge does on this box. */
  unloadedInbound: LatencySummary;
  unloadedOutbound: LatencySummary;
  eventsPerAgentMessage: number;
  eventsPerCustomerMessage: number;
  eventsPerMessage: number;
  /** Which events one message adds, each way. */
  agentMessageEvents: Record<string, number>;
  customerMessageEvents: Record<string, number>;
}

export async function measureBusySession(deps: {
  client: Client;
  chat: ChatSessions;
  sim: LiveAgentSimulator;
  sink: WebhookSink;
  fleet: SessionFleet;
  ledger: RelayLedger;
  messages: number;
}): Promise<BusySessionFigures> {
  const { client, chat, sim, sink, fleet, ledger, messages } = deps;
  const session = await fleet.startExtra('busy', 60_000);
  const vendorId = session.vendorId!;
  const h0 = await settledHistory(client, session.workflowId);
  const inbound: number[] = [];
  const outbound: number[] = [];
  for (let i = 0; i < messages; i += 1) {
    const text = `bench-busy-in:${randomUUID()}`;
    ledger.agentMessage(text);
    const t0 = performance.now();
    const arrived = new Promise<void>((resolve) => {
      const off = sink.onDelivery((d) => {
        if (d.body.event.event.kind === 'messageReceived' && d.body.event.event.text === text) {
          inbound.push(d.at - t0);
          off();
          resolve();
        }
      });
    });
    sim.sendAgentMessage(vendorId, text);
    await withTimeout(arrived, 30_000, 'a busy-session agent message at the webhook');
    await sleep(200); // one at a time: the next message finds the session back in its poll
  }
  const h1 = await settledHistory(client, session.workflowId);
  for (let i = 0; i < messages; i += 1) {
    const id = randomUUID();
    const text = `bench-busy-out:${id}`;
    ledger.customerMessage(text, vendorId);
    const t0 = performance.now();
    const accepted = new Promise<void>((resolve) =>
      sim.once('chasitorMessage', () => {
        outbound.push(performance.now() - t0);
        resolve();
      }),
    );
    await chat.send(session.workflowId, { clientMessageId: id, text });
    await withTimeout(accepted, 30_000, 'a busy-session customer message at the simulator');
  }
  const h2 = await settledHistory(client, session.workflowId);
  return {
    messagesEachWay: messages,
    unloadedInbound: summarize(inbound),
    unloadedOutbound: summarize(outbound),
    eventsPerAgentMessage: (h1.length - h0.length) / messages,
    eventsPerCustomerMessage: (h2.length - h1.length) / messages,
    eventsPerMessage: (h2.length - h0.length) / (2 * messages),
    agentMessageEvents: eventTypesAfter(h1, h0.length, messages),
    customerMessageEvents: eventTypesAfter(h2, h1.length, messages),
  };
}

function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
