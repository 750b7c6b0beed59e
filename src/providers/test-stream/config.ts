// test-stream deployment settings (docs/test-stream-protocol.md). Worker configuration, not session input.
export interface TestStreamConfig {
  /** The server's base URL, without a trailing slash (`http://127.0.0.1:8091/v1`). */
  baseUrl: string;
  /** Timeout of every JSON call, and of the stream's response headers. */
  requestTimeoutMs: number;
  /** How long the server keeps a session with no stream open (the profile's silenceLimitMs). */
  silenceLimitMs: number;
  /** A stream with no byte (not even a ping) for this long is treated as dead and reopened. */
  streamIdleTimeoutMs: number;
}

/** Credentials of one session: secret, carried through the workflow (encrypted by the codec). */
export interface TestStreamCredentials {
  [key: string]: unknown;
  sessionId: string;
  token: string;
}

/** The id of the last event the session recorded; null before the first one (the stream starts at 1). */
export interface TestStreamCursor {
  [key: string]: unknown;
  lastEventId: number | null;
}
