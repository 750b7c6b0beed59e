// A strict local GMS chat v2 server (docs/protocols/genesys-gms.md §8): form-encoded POSTs under
// `/genesys/2/chat/{serviceName}`, every answer the JSON envelope with HTTP 200 (statusCode 2 and a Chat
// Server code for what GMS refuses), JSON bodies refused with 400. The agent side is driven in process
// or through the control API (`/__control/`, control-api.ts). Faults: bursts of statusCode 1 (with the
// envelope's other fields garbage, which a client must not read) and of HTTP 5xx, and alias rotation.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gmsErrorCode } from '../../providers/genesys-gms/reply-failures';
import type { GmsReply } from '../../providers/genesys-gms/wire-schemas';
import { closeServer, listenHeld, type ListeningServer } from '../shared/loopback-server';
import { SimulatorControlError } from '../shared/control-error';
import { serveGmsControl } from './control-api';
import { GmsSimChat, refusal, type GmsSimSettings } from './sim-chat';
import { defaultFileLimits, fileItemData, type GmsSimFileLimits } from './sim-files';
import { readGmsRequest, type GmsRequest } from './sim-request';

export interface GmsSimulatorOptions extends Partial<Omit<GmsSimSettings, 'fileLimits'>> {
  fileLimits?: Partial<GmsSimFileLimits>;
  serviceName?: string;
  port?: number;
  host?: string;
  now?: () => number;
}

export interface GmsFaults {
  /** The next N customer calls are answered statusCode 1 (a transient error). */
  statusCode1Next?: number;
  /** The next N customer calls are answered with this HTTP status (503 by default). */
  http5xxNext?: number;
  status?: number;
  /** The next N customer calls other than refreshes are carried out, then cut before the reply. */
  dropReplyNext?: number;
  /** The next N customer calls have their connection cut before they are carried out. */
  resetNext?: number;
  /** The next N customer calls are answered after `latencyMs`. */
  latencyNext?: number;
  latencyMs?: number;
  /** The next N customer calls are answered with a body that is not JSON (HTTP 200). */
  malformedNext?: number;
  /** Share of customer calls (0–1) that meet a random one of the faults above, until set to 0. */
  randomRate?: number;
}

export interface GmsSimStats {
  chats: number;
  /** Customer calls answered (refusals and faults included). */
  calls: number;
  /** Clients logged out for silence past the flex-disconnect timeout (8209): the vendor's expiry. */
  loggedOut: number;
  /** Clients removed for a bad secure key (8210). */
  removedBadKey: number;
  /** Calls with a superseded alias, refused. */
  staleAliasRefused: number;
  /** The most refreshes one chat's client had in flight at once (more than one: two holders). */
  maxConcurrentRefreshesPerChat: number;
  /** The longest silence between two calls of a client still in its chat. */
  maxCallGapMs: number;
  faultsInjected: number;
}

const maxBodyBytes = 64 * 1024;
/** [G] The code for a missing required field (a message, a nickname) is not documented. */
export const missingFieldCode = 242;
const sessionOps = new Set([
  'refresh',
  'send',
  'startTyping',
  'stopTyping',
  'customNotice',
  'updateData',
  'disconnect',
]);

/** The operation a path names after `/{chatId}`: `send`, `file`, `file/limits`, `file/download`, … */
function operationOf(rest: string[]): string | undefined {
  const [op, second, third] = rest;
  if (op === undefined) return undefined;
  if (rest.length === 1) return sessionOps.has(op) || op === 'file' ? op : undefined;
  if (op !== 'file') return undefined;
  if (rest.length === 2 && second === 'limits') return 'file/limits';
  if (rest.length === 3 && (third === 'download' || third === 'delete')) return `file/${third}`;
  return undefined;
}

export class GmsSimulator {
  readonly chats = new Map<string, GmsSimChat>();
  readonly settings: GmsSimSettings;
  private readonly now: () => number;
  private nextAlias = 117;
  private faults = {
    statusCode1: 0,
    http5xx: 0,
    status: 503,
    dropReply: 0,
    reset: 0,
    latency: 0,
    latencyMs: 3_000,
    malformed: 0,
    randomRate: 0,
  };
  /** Chats that move to another Chat Server while serving their next call of an operation. */
  private readonly rotateDuring = new Map<string, string>();
  private counts = { staleAliasRefused: 0, faultsInjected: 0 };

  private constructor(
    private readonly listening: ListeningServer,
    readonly serviceName: string,
    options: GmsSimulatorOptions,
  ) {
    this.settings = {
      flexDisconnectTimeoutMs: options.flexDisconnectTimeoutMs ?? 300_000,
      fileLimits: { ...defaultFileLimits, ...options.fileLimits },
    };
    this.now = options.now ?? Date.now;
    listening.answerWith((req, res) => void this.handle(req, res));
  }

  static async start(options: GmsSimulatorOptions = {}): Promise<GmsSimulator> {
    const listening = await listenHeld(options.port ?? 0, options.host ?? '127.0.0.1');
    return new GmsSimulator(listening, options.serviceName ?? 'customer-support', options);
  }

  /** The service URL a client is configured with (GMS_SERVICE_URL). */
  get serviceUrl(): string {
    return `${this.listening.origin}/genesys/2/chat/${this.serviceName}`;
  }

  get controlUrl(): string {
    return `${this.listening.origin}/__control/`;
  }

  chat(chatId: string): GmsSimChat {
    const chat = this.chats.get(chatId);
    if (!chat) throw new SimulatorControlError(404, `no chat ${chatId}`);
    return chat;
  }

  // ---- the agent side ----

  agentJoins(chatId: string, nickname: string, type: 'Agent' | 'Supervisor' | 'External' = 'Agent'): void {
    this.chat(chatId).agentJoins(nickname, this.now(), type);
  }

  agentSays(chatId: string, text: string): void {
    this.chat(chatId).agentSays(text, this.now());
  }

  agentTyping(chatId: string, on: boolean): void {
    this.chat(chatId).agentTyping(on, this.now());
  }

  /** A second agent joins and the first leaves: a transfer as the transcript shows it. */
  transfer(chatId: string, toNickname: string): void {
    const chat = this.chat(chatId);
    const from = chat.agent;
    chat.agentJoins(toNickname, this.now());
    if (from) chat.agentLeaves(this.now(), from);
  }

  /** The agent shares a file: a FileUploaded item the customer's side downloads. Returns its id. */
  agentSharesFile(chatId: string, file: { name: string; type: string; bytes: Buffer }): string {
    const chat = this.chat(chatId);
    const agent = chat.agent;
    if (!agent) throw new SimulatorControlError(409, `chat ${chatId} has no agent`);
    const stored = chat.files.store(file, 'agent');
    chat.append('FileUploaded', agent, this.now(), undefined, fileItemData(stored));
    return stored.id;
  }

  /** A notice from the system side (a `Notice` item). */
  notice(chatId: string, text: string): void {
    const chat = this.chat(chatId);
    chat.append('Notice', { nickname: 'system', participantId: 0, type: 'External' }, this.now(), text);
  }

  /** The agent closes the chat: the agents leave, and the chat ends. */
  endChat(chatId: string): void {
    const chat = this.chat(chatId);
    while (chat.agent) chat.agentLeaves(this.now());
    chat.end('agent');
  }

  /** The chat moves to another Chat Server (this vendor's handover). */
  rotateAlias(chatId: string): string {
    const next = String(++this.nextAlias);
    this.chat(chatId).rotateAlias(next);
    return next;
  }

  injectFaults(faults: GmsFaults): void {
    this.faults.statusCode1 += faults.statusCode1Next ?? 0;
    this.faults.http5xx += faults.http5xxNext ?? 0;
    this.faults.dropReply += faults.dropReplyNext ?? 0;
    this.faults.reset += faults.resetNext ?? 0;
    this.faults.latency += faults.latencyNext ?? 0;
    this.faults.malformed += faults.malformedNext ?? 0;
    if (faults.status !== undefined) this.faults.status = faults.status;
    if (faults.latencyMs !== undefined) this.faults.latencyMs = faults.latencyMs;
    if (faults.randomRate !== undefined) this.faults.randomRate = faults.randomRate;
  }

  clearFaults(): void {
    this.faults = {
      ...this.faults,
      statusCode1: 0,
      http5xx: 0,
      dropReply: 0,
      reset: 0,
      latency: 0,
      malformed: 0,
      randomRate: 0,
    };
    this.rotateDuring.clear();
  }

  /** An item of any type from the agent's side, as GMS would pass it on (`userData` as given). */
  pushRawItem(chatId: string, type: string, userData: Record<string, unknown>): void {
    const chat = this.chat(chatId);
    const from = chat.agent ?? { nickname: 'system', participantId: 0, type: 'External' };
    chat.transcript.push({ from, index: chat.transcript.length + 1, type, utcTime: this.now(), userData });
  }

  pendingFaults(): Required<GmsFaults> {
    return {
      statusCode1Next: this.faults.statusCode1,
      http5xxNext: this.faults.http5xx,
      status: this.faults.status,
      dropReplyNext: this.faults.dropReply,
      resetNext: this.faults.reset,
      latencyNext: this.faults.latency,
      latencyMs: this.faults.latencyMs,
      malformedNext: this.faults.malformed,
      randomRate: this.faults.randomRate,
    };
  }

  /**
   * The chat moves to another Chat Server while serving its next `op` call: that reply names the new
   * alias, and every later call with the old one is refused (no call in between to learn it from).
   */
  rotateAliasDuringNext(chatId: string, op: string): void {
    this.chat(chatId);
    this.rotateDuring.set(chatId, op);
  }

  stats(): GmsSimStats {
    const chats = [...this.chats.values()];
    const now = this.now();
    return {
      chats: chats.length,
      calls: chats.reduce((n, c) => n + c.calls.total, 0),
      loggedOut: chats.filter(
        (c) => c.removed === 'loggedOut' || c.silentFor(now) > this.settings.flexDisconnectTimeoutMs,
      ).length,
      removedBadKey: chats.filter((c) => c.removed === 'badSecureKey').length,
      staleAliasRefused: this.counts.staleAliasRefused,
      maxConcurrentRefreshesPerChat: Math.max(0, ...chats.map((c) => c.calls.maxRefreshesInFlight)),
      maxCallGapMs: Math.max(0, ...chats.map((c) => c.currentGapMs(now))),
      faultsInjected: this.counts.faultsInjected,
    };
  }

  /** The chats as the control API lists them (no secrets). */
  view(chatId: string): Record<string, unknown> {
    const c = this.chat(chatId);
    return {
      chatId,
      alias: c.credentials.alias,
      ended: c.ended,
      endReason: c.endReason ?? null,
      removed: c.removed ?? null,
      agent: c.agent?.nickname ?? null,
      customerTexts: c.customerTexts(),
      userData: c.userData,
      transcriptLength: c.transcript.length,
      calls: c.calls,
    };
  }

  close(): Promise<void> {
    return closeServer(this.listening.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://gms').pathname;
    if (path.startsWith('/__control/'))
      return serveGmsControl(this, req, res, path.slice('/__control'.length));
    const prefix = `/genesys/2/chat/${this.serviceName}`;
    if (req.method !== 'POST' || !path.startsWith(prefix)) return void res.writeHead(404).end();
    const [chatId, ...rest] = path.slice(prefix.length).split('/').filter(Boolean);
    const op = operationOf(rest);
    if (chatId !== undefined && op === undefined) return void res.writeHead(404).end();
    const read = await readGmsRequest(req, {
      multipart: op === 'file',
      maxBytes: op === 'file' ? this.settings.fileLimits.maxFileSize + maxBodyBytes : maxBodyBytes,
    });
    if (!read.ok) return void res.writeHead(read.status).end(read.message);
    const request = read.request;
    if (chatId === undefined || op === undefined) {
      if (!this.faulted(res)) this.answer(res, this.requestChat(request));
      return;
    }
    const chat = this.chats.get(chatId);
    if (!chat) return this.answer(res, refusal(gmsErrorCode.noSuchUser, true));
    chat.callStarted(this.now(), op);
    try {
      if (this.faults.latency > 0) {
        this.faults.latency -= 1;
        this.counts.faultsInjected += 1;
        await new Promise((r) => setTimeout(r, this.faults.latencyMs));
      }
      if (this.faulted(res)) return;
      const reply = this.sessionCall(chat, op, rest, request);
      if ('type' in reply) return void res.writeHead(200, { 'content-type': reply.type }).end(reply.body);
      if (op !== 'refresh' && this.faults.dropReply > 0) {
        this.faults.dropReply -= 1;
        this.counts.faultsInjected += 1;
        return void res.destroy(); // done, but the client never hears so
      }
      this.answer(res, reply.body);
    } finally {
      // A refresh answered at once; the in-flight count still catches two calls a client overlapped.
      setImmediate(() => chat.callEnded(op));
    }
  }

  private sessionCall(
    chat: GmsSimChat,
    op: string,
    rest: string[],
    form: GmsRequest,
  ): { body: GmsReply } | { body: Buffer; type: string } {
    const now = this.now();
    const envelope = (reply: GmsReply) => ({ body: reply });
    const sent = {
      userId: form.get('userId') ?? '',
      secureKey: form.get('secureKey') ?? '',
      alias: form.get('alias') ?? '',
    };
    const code = chat.check(sent, now);
    if (code !== null) {
      if (code === gmsErrorCode.noSuchUser && !chat.ended && sent.alias !== chat.credentials.alias) {
        this.counts.staleAliasRefused += 1;
      }
      return envelope(refusal(code, chat.ended));
    }
    // An ended chat answers one last refresh (its final items, chatEnded); nothing else.
    if (chat.ended && op !== 'refresh') return envelope(refusal(gmsErrorCode.noSuchUser, true));
    const text = form.get('message') ?? undefined;
    switch (op) {
      case 'send':
        if (!text) return envelope(refusal(missingFieldCode, false));
        chat.append('Message', chat.client, now, text);
        break;
      case 'file/limits':
        return envelope({ ...chat.reply(undefined), messages: [chat.files.limitsNotice(0, now)] });
      case 'file': {
        if (!form.file) return envelope(refusal(missingFieldCode, false));
        const stored = chat.files.upload(form.file, chat.agent !== undefined);
        if (typeof stored === 'number') return envelope(refusal(stored, false));
        chat.append('FileUploaded', chat.client, now, undefined, fileItemData(stored));
        break;
      }
      case 'file/download': {
        const file = chat.files.download(rest[1]!);
        if (typeof file === 'number') return envelope(refusal(file, false));
        return { body: file.bytes, type: file.type };
      }
      case 'file/delete': {
        const file = chat.files.delete(rest[1]!);
        if (typeof file === 'number') return envelope(refusal(file, false));
        chat.append('FileDeleted', chat.client, now, undefined, fileItemData(file));
        break;
      }
      case 'startTyping':
      case 'stopTyping':
        chat.append(op === 'startTyping' ? 'TypingStarted' : 'TypingStopped', chat.client, now, text);
        break;
      case 'customNotice':
        chat.append('CustomNotice', chat.client, now, text ?? '');
        break;
      case 'updateData':
        Object.assign(chat.userData, form.userData());
        break;
      case 'disconnect':
        chat.append('ParticipantLeft', chat.client, now);
        chat.end('client');
        break;
    }
    if (this.rotateDuring.get(chat.credentials.chatId) === op) {
      this.rotateDuring.delete(chat.credentials.chatId);
      this.rotateAlias(chat.credentials.chatId);
      chat.forgetOldAlias();
    }
    const position = form.get('transcriptPosition');
    return envelope(chat.reply(position === null ? undefined : Number(position)));
  }

  private requestChat(form: GmsRequest): GmsReply {
    const nickname =
      form.get('nickname') ?? [form.get('firstName'), form.get('lastName')].filter(Boolean).join(' ');
    if (!nickname) return refusal(missingFieldCode, false);
    const credentials = {
      chatId: randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      userId: randomBytes(8).toString('hex').toUpperCase(),
      secureKey: randomBytes(8).toString('hex'),
      alias: String(this.nextAlias),
    };
    const chat = new GmsSimChat(credentials, nickname, this.now(), this.settings);
    Object.assign(chat.userData, form.userData());
    const first = form.get('text');
    if (first) chat.append('Message', chat.client, this.now(), first);
    this.chats.set(credentials.chatId, chat);
    return chat.reply(1);
  }

  /** Answers with a pending fault, if any (true when it did). */
  private faulted(res: ServerResponse): true | undefined {
    if (this.faults.randomRate > 0 && Math.random() < this.faults.randomRate) {
      const pick = Math.floor(Math.random() * 3);
      if (pick === 0) this.faults.http5xx += 1;
      else if (pick === 1) this.faults.statusCode1 += 1;
      else this.faults.reset += 1;
    }
    if (this.faults.reset > 0) {
      this.faults.reset -= 1;
      this.counts.faultsInjected += 1;
      res.destroy();
      return true;
    }
    if (this.faults.malformed > 0) {
      this.faults.malformed -= 1;
      this.counts.faultsInjected += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"statusCode":0,"messages":[{');
      return true;
    }
    if (this.faults.http5xx > 0) {
      this.faults.http5xx -= 1;
      this.counts.faultsInjected += 1;
      res
        .writeHead(this.faults.status, { 'content-type': 'text/html' })
        .end('<html>Service Unavailable</html>');
      return true;
    }
    if (this.faults.statusCode1 > 0) {
      this.faults.statusCode1 -= 1;
      this.counts.faultsInjected += 1;
      // The other fields of a statusCode-1 reply are not valid: garbage a client must not adopt.
      this.answer(res, {
        statusCode: 1,
        alias: 'garbage',
        secureKey: 'garbage',
        userId: 'garbage',
        errors: [{ code: 1234, advice: 'try again' }],
      });
      return true;
    }
    return undefined;
  }

  private answer(res: ServerResponse, reply: GmsReply): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }
}
