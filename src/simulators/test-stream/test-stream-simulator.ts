// A strict local test-stream server on loopback (docs/test-stream-protocol.md), with the agent side,
// fault injection and assertion records as methods here and as an HTTP control API under `/__control/`.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import * as agent from './agent-actions';
import { handleControlRequest } from './control-api';
import { SimulatorControlError } from '../shared/control-error';
import {
  answerFailure,
  boundPort,
  closeServer,
  listenHeld,
  startExpirySweep,
} from '../shared/loopback-server';
import { waitForProbe } from '../shared/wait-for';
import type { FaultsInput, MalformedVariant } from './faults';
import { detailsOf, viewOf, type SessionDetails, type SessionView } from './session-view';
import {
  resolveSettings,
  type TestStreamSimulatorOptions,
  type TestStreamSimulatorSettings,
} from './settings';
import { SimulatorCore } from './simulator-core';
import { buildStats, type SimulatorStats } from './stats';
import { handleWireRequest } from './wire-api';

export const WIRE_PATH_PREFIX = '/v1';
export const CONTROL_PATH_PREFIX = '/__control/';

export class TestStreamSimulator {
  private readonly sweep: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly server: Server,
    readonly settings: TestStreamSimulatorSettings,
    private readonly core: SimulatorCore,
  ) {
    this.sweep = startExpirySweep(settings.silenceLimitMs, () => core.sweepExpired());
  }

  static async start(options: TestStreamSimulatorOptions = {}): Promise<TestStreamSimulator> {
    const settings = resolveSettings(options);
    const core = new SimulatorCore(settings);
    const listening = await listenHeld(settings.port, settings.host);
    core.origin = listening.origin;
    const simulator = new TestStreamSimulator(listening.server, settings, core);
    listening.answerWith((req, res) => simulator.dispatch(req, res));
    return simulator;
  }

  /** The protocol's base URL (`{base}`), without a trailing slash: what TEST_STREAM_URL names. */
  get url(): string {
    return `${this.core.origin}${WIRE_PATH_PREFIX}`;
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

  // --- inspection ----------------------------------------------------------------------------

  sessions(): SessionView[] {
    this.core.sweepExpired();
    return this.core.store.all().map(viewOf);
  }

  session(sessionId: string): SessionDetails {
    const session = this.core.store.byId(sessionId);
    if (!session) throw new SimulatorControlError(404, `No session ${sessionId}`);
    this.core.checkExpiry(session);
    return detailsOf(session);
  }

  stats(): SimulatorStats {
    this.core.sweepExpired();
    return buildStats(this.core.counters, this.core.store.all(), this.core.now());
  }

  /**
   * Resolves with the probe's first truthy value, checking on every state change and every 10 ms. A probe
   * that throws counts as "not yet"; its last error is reported on timeout.
   */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs = 5000, what = 'condition'): Promise<T> {
    return waitForProbe('test-stream simulator', (l) => this.core.onChange(l), probe, timeoutMs, what);
  }

  // --- agent side (each returns the id of the event it appended) ------------------------------

  /** agentJoined {agentName, agentId}. */
  accept(sessionId: string, identity: agent.AgentIdentity): number {
    return agent.accept(this.core, sessionId, identity);
  }

  queueUpdate(sessionId: string, position: number, estimatedWaitSeconds?: number): number {
    return agent.queueUpdate(this.core, sessionId, position, estimatedWaitSeconds);
  }

  /** message {text, agentName} from the current agent. */
  sendAgentMessage(sessionId: string, text: string): number {
    return agent.sendAgentMessage(this.core, sessionId, text);
  }

  /** typing / typingStopped. */
  typing(sessionId: string, on: boolean): number {
    return agent.typing(this.core, sessionId, on);
  }

  /** agentLeft: the agent is gone, the chat stays open. */
  agentLeft(sessionId: string): number {
    return agent.agentLeft(this.core, sessionId);
  }

  /** ended {reason} (default `agent`); the stream closes after it. */
  endChat(sessionId: string, reason?: string): number {
    return agent.endChat(this.core, sessionId, reason);
  }

  /** Any event type, e.g. one the client has never seen. */
  pushRawEvent(sessionId: string, type: string, data: unknown = {}): number {
    return agent.pushRawEvent(this.core, sessionId, type, data);
  }

  // --- faults --------------------------------------------------------------------------------

  /** goaway + close: the old token gets 401 token_rotated until the client resumes. Returns the new token. */
  rotateToken(sessionId: string, reason?: string): string {
    return agent.rotateToken(this.core, sessionId, reason);
  }

  /** The next `status5xxNext` wire requests fail with `status` (503 by default). Replaces what was armed. */
  injectFaults(faults: FaultsInput): void {
    this.core.faults.inject(faults);
  }

  /** The next `count` event frames go out broken (on the wire only: a replay sends the good copy). */
  malformedNext(count = 1, variant: MalformedVariant = 'invalid-json'): void {
    this.core.faults.armMalformed(count, variant);
  }

  pendingFaults(): { status5xxNext: number; malformedNext: number } {
    return this.core.faults.pending();
  }

  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.core.origin);
    const path = url.pathname;
    let run: Promise<void>;
    if (path === WIRE_PATH_PREFIX || path.startsWith(`${WIRE_PATH_PREFIX}/`)) {
      run = handleWireRequest(this.core, req, res, path.slice(WIRE_PATH_PREFIX.length));
    } else if (path.startsWith(CONTROL_PATH_PREFIX)) {
      run = handleControlRequest(this, req, res, path.slice(CONTROL_PATH_PREFIX.length));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    answerFailure(run, res, 'test-stream simulator', {
      contentType: 'application/json',
      body: '{"error":"fault"}',
    });
  }
}
