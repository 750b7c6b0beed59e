// A strict local CC-Gateway (docs/protocols/huawei-cc-gateway.md §10): the agent interface under
// `/agentgateway/resource`, JSON in and out, every answer HTTP 200 with a string `retcode`, `Set-GUID`
// on sign-in and (AUTHMODE 2) on polls and handshakes when the GUID rotates, polls held up to
// `pollHoldMs`, a reaper that signs out agents silent past `heartbeatTimeoutMs`, push mode that POSTs
// events to the agent's `callBackUri`. The agents and their calls are driven in process.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { setGuidHeader } from '../../providers/huawei-cc-gateway/guid';
import { retcode } from '../../providers/huawei-cc-gateway/retcodes';
import type { AgentEvent, GatewayReply } from '../../providers/huawei-cc-gateway/wire-schemas';
import { SimulatorControlError } from '../shared/control-error';
import { serveGatewayControl } from './control-api';
import { GatewayFaultPlan, type GatewayFaults } from './gateway-faults';
import { closeServer, listenHeld, startExpirySweep, type ListeningServer } from '../shared/loopback-server';
import { BodyTooLargeError, readBody } from '../shared/request-body';
import { defaultGatewaySettings, SimAgent, signOutReason, type GatewaySimSettings } from './sim-agent';

export interface GatewaySimulatorOptions extends Partial<GatewaySimSettings> {
  port?: number;
  host?: string;
  now?: () => number;
}

export interface GatewaySimStats {
  agents: number;
  signedIn: number;
  /** Sign-outs by the reaper: heartbeats the gateway missed for two minutes. */
  heartbeatSignOuts: number;
  /** Gaps between two heartbeats longer than the handshake interval plus 2 s (push) or the reaper's bound. */
  lateHeartbeats: number;
  maxHeartbeatGapMs: number;
  guidRotations: number;
  /** Calls refused for a GUID of the current sign-in past its grace: a client that missed a rotation. */
  staleGuidRefusals: number;
  /**
   * Calls refused for a GUID of a sign-in the gateway ended since (or one it never issued): a connection
   * still on its way out after a re-sign-in, harmless unless it signs the agent in again.
   */
  earlierSignInGuidRefusals: number;
  pushesDelivered: number;
  pushesFailed: number;
  failovers: number;
  /** Calls on the agent interface (sign-in, polls, handshakes, commands): the vendor's load. */
  requests: number;
  faultsInjected: number;
}

const maxBodyBytes = 64 * 1024;

export class GatewaySimulator {
  readonly agents = new Map<string, SimAgent>();
  readonly settings: GatewaySimSettings;
  private readonly faults = new GatewayFaultPlan();
  /** Answers to cut after the call was handled (an injected dropped reply). */
  private readonly cut = new WeakSet<ServerResponse>();
  private readonly now: () => number;
  private readonly reaper: NodeJS.Timeout;
  private readonly waiters = new Map<string, () => void>();
  private readonly pushing = new Set<string>();
  private counts = {
    guidRotations: 0,
    staleGuidRefusals: 0,
    earlierSignInGuidRefusals: 0,
    pushesDelivered: 0,
    pushesFailed: 0,
    failovers: 0,
    requests: 0,
  };
  private closed = false;

  private constructor(
    private readonly listening: ListeningServer,
    options: GatewaySimulatorOptions,
  ) {
    this.settings = { ...defaultGatewaySettings, ...options };
    this.now = options.now ?? Date.now;
    listening.answerWith((req, res) => void this.handle(req, res));
    this.reaper = startExpirySweep(this.settings.heartbeatTimeoutMs, () => this.reap());
  }

  static async start(options: GatewaySimulatorOptions = {}): Promise<GatewaySimulator> {
    const listening = await listenHeld(options.port ?? 0, options.host ?? '127.0.0.1');
    return new GatewaySimulator(listening, options);
  }

  /** The base URL a client is configured with (up to the port). */
  get baseUrl(): string {
    return this.listening.origin;
  }

  get controlUrl(): string {
    return `${this.listening.origin}/__control/`;
  }

  /** An agent the gateway knows (its work number and password), not signed in. */
  addAgent(workNo: string, password: string): SimAgent {
    const agent = new SimAgent(workNo, password, this.settings);
    this.agents.set(workNo, agent);
    return agent;
  }

  agent(workNo: string): SimAgent {
    const agent = this.agents.get(workNo);
    if (!agent) throw new SimulatorControlError(404, `no agent ${workNo}`);
    return agent;
  }

  // ---- the contact center's side ----

  callArrives(workNo: string, callid: string, mediaType = 51): void {
    if (!this.agent(workNo).signedIn)
      throw new SimulatorControlError(409, `agent ${workNo} is not signed in`);
    this.agent(workNo).callArrives(callid, mediaType, this.now());
    this.wake(workNo);
  }

  callReleased(workNo: string, callid: string): void {
    this.agent(workNo).callReleased(callid, this.now());
    this.wake(workNo);
  }

  /** An inspector forces the agent out (reason 257). */
  forceOut(workNo: string): void {
    this.agent(workNo).signOut(this.now(), signOutReason.inspector);
    this.wake(workNo);
  }

  /**
   * The gateway node holding the agents' sessions fails over [G: docs/protocols/huawei-cc-gateway.md
   * §10]: every signed-in agent is signed out by the platform (reason 256), its GUID forgotten. Returns
   * how many were signed out.
   */
  failover(): number {
    const now = this.now();
    let signedOut = 0;
    for (const agent of this.agents.values()) {
      if (!agent.signedIn) continue;
      agent.signOut(now, signOutReason.platform);
      signedOut += 1;
      this.wake(agent.workNo);
    }
    this.counts.failovers += 1;
    return signedOut;
  }

  /** One agent as the control API shows it: no GUID, password or token. */
  view(workNo: string): Record<string, unknown> {
    const a = this.agent(workNo);
    return {
      workNo: a.workNo,
      signedIn: a.signedIn,
      mode: a.mode,
      state: a.state,
      skills: a.skills,
      signIns: a.signIns,
      signOuts: a.signOuts,
      eventsIssued: a.issued.length,
      eventsQueued: a.queue.length,
      lastHeartbeatAt: a.lastHeartbeatAt,
      maxHeartbeatGapMs: Math.max(0, ...a.heartbeatGapsMs),
    };
  }

  /** Faults on the next calls of the agent interface (gateway-faults.ts). */
  injectFaults(faults: GatewayFaults): void {
    this.faults.add(faults);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  pendingFaults(): Required<GatewayFaults> {
    return this.faults.view();
  }

  stats(): GatewaySimStats {
    const agents = [...this.agents.values()];
    const gaps = agents.flatMap((a) => a.heartbeatGapsMs);
    const bound = this.settings.handshakeEveryMs + 2_000;
    return {
      agents: agents.length,
      signedIn: agents.filter((a) => a.signedIn).length,
      heartbeatSignOuts: agents.reduce((n, a) => n + a.signOuts.filter((s) => s.reason === 260).length, 0),
      lateHeartbeats: gaps.filter((g) => g > bound).length,
      maxHeartbeatGapMs: Math.max(0, ...gaps),
      ...this.counts,
      faultsInjected: this.faults.injected,
    };
  }

  close(): Promise<void> {
    this.closed = true;
    clearInterval(this.reaper);
    for (const wake of this.waiters.values()) wake();
    return closeServer(this.listening.server);
  }

  private reap(): void {
    const now = this.now();
    for (const agent of this.agents.values()) if (agent.reap(now)) this.wake(agent.workNo);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname.startsWith('/__control/')) {
      return serveGatewayControl(this, req, res, url.pathname.slice('/__control'.length));
    }
    const prefix = '/agentgateway/resource';
    if (!url.pathname.startsWith(prefix)) return void res.writeHead(404).end();
    this.counts.requests += 1;
    if (await this.faults.before(res)) return;
    const parts = url.pathname.slice(prefix.length).split('/').filter(Boolean);
    let body: Record<string, unknown> = {};
    if (req.method === 'PUT' || req.method === 'POST') {
      try {
        const raw = await readBody(req, maxBodyBytes);
        body = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      } catch (err) {
        return void res.writeHead(err instanceof BodyTooLargeError ? 413 : 400).end();
      }
    }
    const [resource, workNo, action, ...rest] = parts;
    // A dropped reply is not injected on an event poll: the gateway forgets what a poll took.
    if (!(resource === 'agentevent' && req.method === 'GET') && this.faults.cutAnswer()) this.cut.add(res);
    const agent = workNo === undefined ? undefined : this.agents.get(workNo);
    if (!agent)
      return this.answer(res, { message: 'agent not configured', retcode: retcode.invalidParameter });
    const guid = header(req, 'guid');
    const now = this.now();
    if (
      resource === 'onlineagent' &&
      req.method === 'PUT' &&
      (action === undefined || action === 'forcelogin')
    ) {
      return this.signIn(res, agent, body, action === 'forcelogin');
    }
    // Every other call needs a signed-in agent and an accepted GUID.
    agent.reap(now);
    const refused = agent.checkGuid(guid, now);
    if (refused) {
      if (refused === retcode.authExpired) {
        const at = agent.guidsIssued.findIndex((g) => g.guid === guid);
        const sameSignIn = at >= 0 && agent.guidsIssued[at]!.signIn === agent.signIns;
        if (sameSignIn) this.counts.staleGuidRefusals += 1;
        else this.counts.earlierSignInGuidRefusals += 1;
        agent.staleRefusals.push({
          at: now,
          call: `${req.method} ${resource}/${action ?? ''}`,
          behind: at < 0 ? -1 : agent.guidsIssued.length - 1 - at,
          sameSignIn,
        });
      }
      return this.answer(res, { message: '', retcode: refused });
    }
    if (resource === 'agentevent' && req.method === 'GET' && action === undefined)
      return this.poll(req, res, agent);
    if (resource !== 'onlineagent') return void res.writeHead(404).end();
    const key = `${req.method} ${action ?? ''}`;
    switch (key) {
      case 'POST handshake': {
        if (agent.mode !== 'push')
          return this.answer(res, { message: '', retcode: retcode.wrongEventMethod });
        if (header(req, 'service_token') !== agent.serviceToken) {
          return this.answer(res, { message: '', retcode: retcode.signInParameter });
        }
        return this.answer(res, { message: 'success', retcode: retcode.ok }, this.rotated(agent, now));
      }
      case 'DELETE logout': {
        const code = agent.requestSignOut(now);
        this.wake(agent.workNo);
        return this.answer(res, { message: '', retcode: code });
      }
      case 'POST resetskill': {
        const skills = url.searchParams.get('skillid') ?? '';
        agent.skills = rest[0] === 'true' ? ['all'] : skills.split(';').filter(Boolean);
        return this.answer(res, { message: '', retcode: retcode.ok, result: { skills: agent.skills } });
      }
      case 'POST sayfree':
      case 'POST saybusy':
      case 'POST rest': {
        const state = action === 'sayfree' ? 'ready' : action === 'saybusy' ? 'busy' : 'rest';
        const code = agent.setState(state, now);
        this.wake(agent.workNo);
        return this.answer(res, { message: '', retcode: code });
      }
      case 'GET agentstatus':
        return this.answer(res, { message: '', retcode: retcode.ok, result: { state: agent.state } });
    }
    return void res.writeHead(404).end();
  }

  private signIn(res: ServerResponse, agent: SimAgent, body: Record<string, unknown>, force: boolean): void {
    const code = agent.signIn(body, this.now(), force);
    if (code !== retcode.ok) return this.answer(res, { message: '', retcode: code });
    this.wake(agent.workNo);
    this.answer(
      res,
      {
        message: '',
        retcode: retcode.ok,
        result: {
          workno: agent.workNo,
          mediatype: 'TTF',
          loginTime: String(this.now()),
          serverName: 'AgentGateway',
        },
      },
      agent.guid,
    );
  }

  /** One event at once, or an empty answer after the hold; the poll is the heartbeat. */
  private async poll(req: IncomingMessage, res: ServerResponse, agent: SimAgent): Promise<void> {
    if (agent.mode === 'push') return this.answer(res, { message: '', retcode: retcode.wrongEventMethod });
    if (agent.polling) return this.answer(res, { message: '', retcode: retcode.repeatedInvocation });
    agent.polling = true;
    try {
      const rotatedAtStart = this.rotated(agent, this.now());
      if (agent.queue.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.settings.pollHoldMs);
          this.waiters.set(agent.workNo, () => (clearTimeout(timer), resolve()));
          req.once('close', () => (clearTimeout(timer), resolve()));
        });
        this.waiters.delete(agent.workNo);
      }
      if (res.destroyed || this.closed) return;
      // Still signed in after the hold? A sign-out meanwhile answers the poll with 100-006.
      if (!agent.signedIn) return this.answer(res, { message: '', retcode: retcode.notSignedIn });
      agent.lastHeartbeatAt = Math.max(agent.lastHeartbeatAt, this.now());
      const event = agent.queue.shift();
      this.answer(res, { message: '', retcode: retcode.ok, ...(event ? { event } : {}) }, rotatedAtStart);
    } finally {
      agent.polling = false;
    }
  }

  /** The heartbeat, with the GUID rotation it may bring (counted). */
  private rotated(agent: SimAgent, now: number): string | null {
    const guid = agent.heartbeat(now);
    if (guid) this.counts.guidRotations += 1;
    return guid;
  }

  /** New events: a held poll answers, or (push mode) they are POSTed to the callback, oldest first. */
  private wake(workNo: string): void {
    this.waiters.get(workNo)?.();
    const agent = this.agents.get(workNo);
    if (agent?.mode === 'push' && agent.callBackUri) void this.push(agent);
  }

  private async push(agent: SimAgent): Promise<void> {
    if (this.pushing.has(agent.workNo)) return; // one delivery at a time keeps the order
    this.pushing.add(agent.workNo);
    try {
      while (agent.queue.length > 0 && !this.closed && agent.callBackUri) {
        const eventList: AgentEvent[] = [...agent.queue];
        try {
          const res = await request(agent.callBackUri, {
            method: 'POST',
            headers: {
              'content-type': 'application/json; charset=UTF-8',
              guid: agent.guid ?? '',
              service_token: agent.serviceToken ?? '',
            },
            body: JSON.stringify({ workNo: agent.workNo, eventList }),
            headersTimeout: 5_000,
            bodyTimeout: 5_000,
          });
          const text = await res.body.text();
          const ok = res.statusCode === 200 && (JSON.parse(text) as { retcode?: string }).retcode === '0';
          if (!ok) throw new Error(`callback answered ${res.statusCode}`);
          agent.queue.splice(0, eventList.length);
          this.counts.pushesDelivered += 1;
        } catch {
          // [G] The gateway's retry policy for a failing callback is not documented: again after 1 s.
          this.counts.pushesFailed += 1;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    } finally {
      this.pushing.delete(agent.workNo);
    }
  }

  private answer(res: ServerResponse, reply: GatewayReply, guid?: string | null): void {
    if (res.headersSent || res.destroyed) return;
    if (this.cut.has(res)) return void res.destroy(); // handled, but the client never hears so
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
    if (guid) headers['set-guid'] = setGuidHeader(guid);
    res.writeHead(200, headers).end(JSON.stringify(reply));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
