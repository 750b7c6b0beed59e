// A strict local Live Agent chat server on loopback (docs/protocols/salesforce-live-agent.md §1.12), with the agent side, fault
// injection and assertion records as methods here and as an HTTP control API under `/__control/`.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import * as agent from './agent-actions';
import { SimulatorControlError } from '../shared/control-error';
import {
  answerFailure,
  boundPort,
  closeServer,
  listenHeld,
  startExpirySweep,
} from '../shared/loopback-server';
import { waitForProbe } from '../shared/wait-for';
import { handleControlRequest } from './control-api';
import type { ChaosUpdate } from './control-schemas';
import type { LiveAgentSimulatorEventMap, LoggedEvent } from './events';
import type { Fault, FaultInput } from './faults';
import { handleLiveAgentRequest } from './live-agent-pipeline';
import { describe, summarize, type SessionDetails, type SessionSummary } from './session-view';
import { resolveSettings, type LiveAgentSimulatorOptions, type LiveAgentSimulatorSettings } from './settings';
import { SimulatorCore } from './simulator-core';
import { buildStats, type SimulatorStats } from './stats';

export const LIVE_AGENT_PATH_PREFIX = '/chat/rest/';
export const CONTROL_PATH_PREFIX = '/__control/';

type Listener<K extends keyof LiveAgentSimulatorEventMap> = (...args: LiveAgentSimulatorEventMap[K]) => void;

export class LiveAgentSimulator {
  private readonly core: SimulatorCore;
  private readonly sweep: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly settings: LiveAgentSimulatorSettings,
    core: SimulatorCore,
  ) {
    this.core = core;
    this.sweep = startExpirySweep(settings.sessionTimeoutMs, () => core.sweepExpired());
  }

  static async start(options: LiveAgentSimulatorOptions = {}): Promise<LiveAgentSimulator> {
    const settings = resolveSettings(options);
    const core = new SimulatorCore(settings);
    const listening = await listenHeld(settings.port, settings.host);
    core.origin = listening.origin;
    const simulator = new LiveAgentSimulator(listening.server, settings, core);
    listening.answerWith((req, res) => simulator.dispatch(req, res));
    return simulator;
  }

  /** Base URL of the chat API, ending in `/chat/rest/`. */
  get url(): string {
    return `${this.core.origin}${LIVE_AGENT_PATH_PREFIX}`;
  }

  /** Base URL of the control API, ending in `/__control/`. */
  get controlUrl(): string {
    return `${this.core.origin}${CONTROL_PATH_PREFIX}`;
  }

  get port(): number {
    return boundPort(this.server);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    this.core.dispose();
    await closeServer(this.server);
  }

  // --- events --------------------------------------------------------------------------------

  on<K extends keyof LiveAgentSimulatorEventMap>(event: K, listener: Listener<K>): this {
    (this.core.emitter.on as (e: K, l: Listener<K>) => unknown)(event, listener);
    return this;
  }

  once<K extends keyof LiveAgentSimulatorEventMap>(event: K, listener: Listener<K>): this {
    (this.core.emitter.once as (e: K, l: Listener<K>) => unknown)(event, listener);
    return this;
  }

  off<K extends keyof LiveAgentSimulatorEventMap>(event: K, listener: Listener<K>): this {
    (this.core.emitter.off as (e: K, l: Listener<K>) => unknown)(event, listener);
    return this;
  }

  /**
   * Resolve with the probe's first truthy value, checking on every event and every 10 ms. A probe that
   * throws (e.g. `session(id)` before the session exists) counts as "not yet"; its last error is reported
   * on timeout.
   */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return waitForProbe('live-agent simulator', (l) => this.core.onAny(l), probe, timeoutMs, what);
  }

  // --- inspection ----------------------------------------------------------------------------

  /** Ids of every session, oldest first. */
  sessionIds(): string[] {
    return this.core.store.all().map((s) => s.id);
  }

  sessions(): SessionSummary[] {
    return this.core.store.all().map(summarize);
  }

  session(sessionId: string): SessionDetails {
    const session = this.core.store.byId(sessionId);
    if (!session) throw new SimulatorControlError(404, `No session ${sessionId}`);
    this.core.checkExpiry(session);
    return describe(session);
  }

  stats(): SimulatorStats {
    const now = this.core.now();
    this.core.sweepExpired();
    return buildStats(this.core.counters, this.core.store.all(), now);
  }

  // --- agent side ----------------------------------------------------------------------------

  /** An agent accepts: ChatEstablished. */
  accept(sessionId: string, identity: agent.AgentIdentity): number {
    return agent.accept(this.core, sessionId, identity);
  }

  /** ChatMessage {name, text} from the current agent. */
  sendAgentMessage(sessionId: string, text: string): number {
    return agent.sendAgentMessage(this.core, sessionId, text);
  }

  /** AgentTyping / AgentNotTyping. */
  typing(sessionId: string, on: boolean): number {
    return agent.typing(this.core, sessionId, on);
  }

  /** TransferToButtonInitiated, then ChatTransferred to the new agent. */
  transfer(sessionId: string, identity: agent.AgentIdentity): number[] {
    return agent.transfer(this.core, sessionId, identity);
  }

  /** QueueUpdate; `undefined` (nothing sent) unless ChasitorInit asked for receiveQueueUpdates. */
  queueUpdate(sessionId: string, position: number, estimatedWaitTime?: number): number | undefined {
    return agent.queueUpdate(this.core, sessionId, position, estimatedWaitTime);
  }

  customEvent(sessionId: string, type: string, data: string): number {
    return agent.customEvent(this.core, sessionId, type, data);
  }

  /** FileTransfer {type: 'Requested', uploadServletUrl, fileToken, cdmServletUrl}. */
  fileTransferRequest(sessionId: string): number {
    return agent.fileTransferRequest(this.core, sessionId);
  }

  /** AgentDisconnect: the agent is gone, the chat stays open. */
  disconnectAgent(sessionId: string): number {
    return agent.disconnectAgent(this.core, sessionId);
  }

  /** ChatEnded {reason: 'agent'}; visitor POSTs get 403 from now on, polls until it is acked. */
  endChat(sessionId: string, options: Parameters<typeof agent.endChat>[2] = {}): number {
    return agent.endChat(this.core, sessionId, options);
  }

  /** ChatRequestFail {reason}; final like endChat. */
  failRequest(sessionId: string, reason?: string): number {
    return agent.failRequest(this.core, sessionId, reason);
  }

  /** SensitiveDataRules {sensitiveDataRules: [...]}, as an org with masking rules sends it. */
  sensitiveDataRules(sessionId: string, rules: Parameters<typeof agent.sensitiveDataRules>[2]): number {
    return agent.sensitiveDataRules(this.core, sessionId, rules);
  }

  /** Queue any message, e.g. a type the client has never seen. */
  pushRawMessage(sessionId: string, type: string, message: unknown = {}): number {
    return agent.pushRawMessage(this.core, sessionId, type, message);
  }

  // --- faults --------------------------------------------------------------------------------

  /** Rotate the affinity of one session (or all open ones): open polls and old-token requests get 503. */
  failover(sessionId?: string): void {
    if (sessionId === undefined) {
      for (const session of this.core.store.open()) this.core.failover(session);
      return;
    }
    const session = this.core.store.byId(sessionId);
    if (!session) throw new SimulatorControlError(404, `No session ${sessionId}`);
    this.core.failover(session);
  }

  injectFault(fault: FaultInput): Fault {
    return this.core.faults.inject(fault);
  }

  pendingFaults(): readonly Fault[] {
    return this.core.faults.pending();
  }

  clearFaults(): void {
    this.core.faults.clear();
  }

  /** Change chaos probabilities at run time; rates not given keep their value. */
  setChaos(update: ChaosUpdate): void {
    if (update.faultRates) {
      const rates = { ...this.core.faults.currentRates(), ...update.faultRates };
      this.core.faults.setRates(rates);
    }
    if (update.failoverRate !== undefined) this.core.failoverRate = update.failoverRate;
  }

  /** Events logged after `afterId`, waiting up to `waitMs` for one (what `GET /__control/events` serves). */
  events(afterId = 0, waitMs = 0, signal?: AbortSignal): Promise<LoggedEvent[]> {
    return this.core.log.waitAfter(afterId, waitMs, signal);
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.core.origin);
    const path = url.pathname;
    let run: Promise<void>;
    if (path.startsWith(LIVE_AGENT_PATH_PREFIX)) {
      run = handleLiveAgentRequest(
        this.core,
        req,
        res,
        path.slice(LIVE_AGENT_PATH_PREFIX.length),
        url.searchParams,
      );
    } else if (path.startsWith(CONTROL_PATH_PREFIX)) {
      run = handleControlRequest(this, req, res, path.slice(CONTROL_PATH_PREFIX.length), url.searchParams);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      return;
    }
    answerFailure(run, res, 'live-agent simulator', { contentType: 'text/plain', body: 'Simulator error' });
  }
}
