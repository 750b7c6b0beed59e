// A strict local GMS chat v2 server (docs/protocols/genesys-gms.md §8): form-encoded POSTs under
// `/genesys/2/chat/{serviceName}`, every answer the JSON envelope with HTTP 200 (statusCode 2 and a Chat
// Server code for what GMS refuses), JSON bodies refused with 400. The agent side is driven in process.
// First piece: request chat, refresh, send, typing, custom notice, disconnect; no files yet.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gmsErrorCode } from '../../providers/genesys-gms/reply-failures';
import type { GmsReply } from '../../providers/genesys-gms/wire-schemas';
import { closeServer, listenHeld, type ListeningServer } from '../shared/loopback-server';
import { readBody } from '../shared/request-body';
import { GmsSimChat, refusal, type GmsSimSettings } from './sim-chat';

export interface GmsSimulatorOptions extends Partial<GmsSimSettings> {
  serviceName?: string;
  port?: number;
  now?: () => number;
}

const maxBodyBytes = 64 * 1024;
/** [G] The code for a missing required field (a message, a nickname) is not documented. */
const missingFieldCode = 242;
const sessionOps = new Set(['refresh', 'send', 'startTyping', 'stopTyping', 'customNotice', 'disconnect']);

export class GmsSimulator {
  readonly chats = new Map<string, GmsSimChat>();
  private readonly settings: GmsSimSettings;
  private readonly now: () => number;
  private nextAlias = 117;

  private constructor(
    private readonly listening: ListeningServer,
    readonly serviceName: string,
    options: GmsSimulatorOptions,
  ) {
    this.settings = { flexDisconnectTimeoutMs: options.flexDisconnectTimeoutMs ?? 300_000 };
    this.now = options.now ?? Date.now;
    listening.answerWith((req, res) => void this.handle(req, res));
  }

  static async start(options: GmsSimulatorOptions = {}): Promise<GmsSimulator> {
    const listening = await listenHeld(options.port ?? 0, '127.0.0.1');
    return new GmsSimulator(listening, options.serviceName ?? 'customer-support', options);
  }

  /** The service URL a client is configured with. */
  get serviceUrl(): string {
    return `${this.listening.origin}/genesys/2/chat/${this.serviceName}`;
  }

  chat(chatId: string): GmsSimChat {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`no chat ${chatId}`);
    return chat;
  }

  /** The chat moves to another Chat Server (this vendor's handover). */
  rotateAlias(chatId: string): string {
    const next = String(++this.nextAlias);
    this.chat(chatId).rotateAlias(next);
    return next;
  }

  close(): Promise<void> {
    return closeServer(this.listening.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const prefix = `/genesys/2/chat/${this.serviceName}`;
    const path = new URL(req.url ?? '/', 'http://gms').pathname;
    if (req.method !== 'POST' || !path.startsWith(prefix)) return void res.writeHead(404).end();
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return void res.writeHead(400).end('form-encoded bodies only');
    }
    const form = new URLSearchParams(await readBody(req, maxBodyBytes));
    const [chatId, op] = path.slice(prefix.length).split('/').filter(Boolean);
    if (chatId === undefined) return this.answer(res, this.requestChat(form));
    if (op === undefined || !sessionOps.has(op)) return void res.writeHead(404).end();
    const chat = this.chats.get(chatId);
    if (!chat) return this.answer(res, refusal(gmsErrorCode.noSuchUser, true));
    const now = this.now();
    const code = chat.check(
      {
        userId: form.get('userId') ?? '',
        secureKey: form.get('secureKey') ?? '',
        alias: form.get('alias') ?? '',
      },
      now,
    );
    if (code !== null) return this.answer(res, refusal(code, chat.ended));
    const text = form.get('message') ?? undefined;
    if (op === 'send') {
      if (!text) return this.answer(res, refusal(missingFieldCode, false));
      chat.append('Message', chat.client, now, text);
    } else if (op === 'startTyping' || op === 'stopTyping') {
      chat.append(op === 'startTyping' ? 'TypingStarted' : 'TypingStopped', chat.client, now, text);
    } else if (op === 'customNotice') {
      chat.append('CustomNotice', chat.client, now, text ?? '');
    } else if (op === 'disconnect') {
      chat.append('ParticipantLeft', chat.client, now);
      chat.ended = true;
    }
    const position = form.get('transcriptPosition');
    this.answer(res, chat.reply(position === null ? undefined : Number(position)));
  }

  private requestChat(form: URLSearchParams): GmsReply {
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
    this.chats.set(credentials.chatId, chat);
    return chat.reply(1);
  }

  private answer(res: ServerResponse, reply: GmsReply): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }
}
