// The SSE parser follows the WHATWG event-stream rules; these cases are the ones the rules spell out,
// plus every way a chunk boundary can cut a line, a line end or a character.
import assert from 'node:assert/strict';
import { SseLimitError, SseParser, type SseEvent } from '../../src/providers/test-stream/sse-parser';

const parse = (...chunks: Array<string | Uint8Array>): SseEvent[] => {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c));
};

describe('test-stream SSE parser', () => {
  it('reads id, event and data, and defaults the type to message', () => {
    assert.deepEqual(parse('id: 1\nevent: queue\ndata: {"position":1}\n\ndata: plain\n\n'), [
      { type: 'queue', data: '{"position":1}', lastEventId: '1' },
      { type: 'message', data: 'plain', lastEventId: '1' },
    ]);
  });

  it('joins multi-line data with LF and drops only the final LF', () => {
    assert.deepEqual(parse('data: {"a":\ndata: 1}\ndata:\n\n'), [
      { type: 'message', data: '{"a":\n1}\n', lastEventId: '' },
    ]);
  });

  it('strips exactly one space after the colon, and a line without a colon is a field with no value', () => {
    assert.deepEqual(parse('data:  two\n\ndata\n\n'), [
      { type: 'message', data: ' two', lastEventId: '' },
      { type: 'message', data: '', lastEventId: '' },
    ]);
  });

  it('ignores comments (pings) and unknown fields, and counts the comments', () => {
    const parser = new SseParser();
    const events = parser.push(': ping\n\n:\nfoo: bar\ndata: x\n: mid-event\n\n');
    assert.deepEqual(events, [{ type: 'message', data: 'x', lastEventId: '' }]);
    assert.equal(parser.comments, 3);
  });

  it('does not dispatch an event without data, but keeps its id and resets its type', () => {
    assert.deepEqual(parse('id: 7\nevent: typing\n\ndata: y\n\n'), [
      { type: 'message', data: 'y', lastEventId: '7' },
    ]);
  });

  it('carries the last id over to events without one; an empty id resets it; an id with NUL is ignored', () => {
    assert.deepEqual(
      parse('id: 3\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: 4\ndata: d\n\nid: 5\0\ndata: e\n\n'),
      [
        { type: 'message', data: 'a', lastEventId: '3' },
        { type: 'message', data: 'b', lastEventId: '3' },
        { type: 'message', data: 'c', lastEventId: '' },
        { type: 'message', data: 'd', lastEventId: '4' },
        { type: 'message', data: 'e', lastEventId: '4' },
      ],
    );
  });

  it('accepts CRLF, CR and LF line ends, mixed', () => {
    assert.deepEqual(
      parse('id: 1\r\nevent: a\r\ndata: x\r\n\r\nid: 2\revent: b\rdata: y\r\rid: 3\nevent: c\ndata: z\n\n'),
      [
        { type: 'a', data: 'x', lastEventId: '1' },
        { type: 'b', data: 'y', lastEventId: '2' },
        { type: 'c', data: 'z', lastEventId: '3' },
      ],
    );
  });

  it('treats a CR ending one chunk and an LF starting the next as one line end', () => {
    assert.deepEqual(parse('data: x\r', '\n\r', '\n'), [{ type: 'message', data: 'x', lastEventId: '' }]);
    // ...but a CR then a blank chunk then LF is still one line end (empty chunks change nothing).
    assert.deepEqual(parse('data: y\r', '', '\n\r\n'), [{ type: 'message', data: 'y', lastEventId: '' }]);
  });

  it('reassembles fields cut anywhere, one character per chunk', () => {
    const text = 'id: 12\nevent: message\ndata: {"text":"héllo"}\n\n';
    assert.deepEqual(parse(...text.split('')), [
      { type: 'message', data: '{"text":"héllo"}', lastEventId: '12' },
    ]);
  });

  it('decodes UTF-8 split across byte chunks, and drops one leading BOM', () => {
    const bytes = new TextEncoder().encode('\uFEFFdata: 😀 é\n\n');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    assert.deepEqual(parse(...chunks), [{ type: 'message', data: '😀 é', lastEventId: '' }]);
  });

  it('discards an event the stream ended in the middle of', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: complete\n\ndata: cut'), [
      { type: 'message', data: 'complete', lastEventId: '' },
    ]);
    parser.end();
    assert.deepEqual(parser.push('\n\n'), []);
  });

  it('reads retry only when it is all digits', () => {
    const parser = new SseParser();
    parser.push('retry: 2500\n\nretry: soon\n\n');
    assert.equal(parser.retryMs, 2500);
  });

  it('refuses a line that grows past its limit', () => {
    const parser = new SseParser(16);
    assert.throws(() => parser.push('data: 0123456789abcdef'), SseLimitError);
  });
});
