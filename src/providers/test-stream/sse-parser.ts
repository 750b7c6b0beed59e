// An incremental text/event-stream parser following the WHATWG HTML "Server-sent events" parsing rules:
// lines end in CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the next are one
// line end); `:` lines are comments; `field: value` strips one space after the colon; `data` lines are
// joined with LF; an event is dispatched on a blank line, and only when it has data; the last event id
// persists from event to event. Bytes are decoded as UTF-8 across chunk boundaries, one leading BOM dropped.

export interface SseEvent {
  /** The `event:` field, or `message` when the event had none. */
  type: string;
  data: string;
  /** The last `id:` seen on the stream so far (it carries over to events that have none). */
  lastEventId: string;
}

/** A line or an event grew past the parser's limit: the stream is not what it claims to be. */
export class SseLimitError extends Error {
  constructor(limit: number) {
    super(`event stream line or event over ${limit} characters`);
    this.name = 'SseLimitError';
  }
}

const LF = 0x0a;
const CR = 0x0d;

export class SseParser {
  /** The last `retry:` value, in ms (the server's suggested reconnection delay). */
  retryMs: number | undefined;
  /** Comment lines seen (pings). */
  comments = 0;

  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private started = false;
  private pending = '';
  private skipLeadingLF = false;
  private data = '';
  private eventType = '';
  private lastEventId = '';

  constructor(private readonly maxChars = 1024 * 1024) {}

  /** Feeds one chunk; returns the events it completed, in order. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return this.feed(text);
  }

  /** The stream ended: an event without its closing blank line is discarded, as the spec says. */
  end(): void {
    this.decoder.decode();
    this.pending = '';
    this.data = '';
    this.eventType = '';
    this.skipLeadingLF = false;
  }

  private feed(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    let start = 0;
    if (this.skipLeadingLF && text.length > 0) {
      if (text.charCodeAt(0) === LF) start = 1;
      this.skipLeadingLF = false;
    }
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      const line = this.pending + text.slice(start, i);
      this.pending = '';
      this.line(line, out);
      if (c === CR) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === LF) i++;
        } else {
          this.skipLeadingLF = true;
        }
      }
      start = i + 1;
    }
    this.pending += text.slice(start);
    if (this.pending.length > this.maxChars) throw new SseLimitError(this.maxChars);
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 0x3a /* ':' */) {
      this.comments += 1;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        return;
      case 'data':
        this.data += `${value}\n`;
        if (this.data.length > this.maxChars) throw new SseLimitError(this.maxChars);
        return;
      case 'id':
        // The spec ignores an id containing NULL, so a broken id cannot erase the resume position.
        if (!value.includes('\0')) this.lastEventId = value;
        return;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retryMs = Number(value);
        return;
      default:
        return; // unknown fields are ignored
    }
  }

  private dispatch(out: SseEvent[]): void {
    const data = this.data;
    const type = this.eventType;
    this.data = '';
    this.eventType = '';
    if (data === '') return; // an event without data is not dispatched
    out.push({ type: type || 'message', data: data.slice(0, -1), lastEventId: this.lastEventId });
  }
}
