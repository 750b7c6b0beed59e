// Where downloaded or built Temporal binaries live. Outside the repo so a fresh clone, `git clean`
// or a new work tree reuses a multi-minute Go build instead of repeating it.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Env var that moves the cache (CI machines, read-only homes). */
export const CACHE_DIR_ENV = 'TEMPORAL_CHAT_BRIDGE_CACHE';

/** The cache root: `$TEMPORAL_CHAT_BRIDGE_CACHE`, else `~/.cache/temporal-chat-bridge`. */
export function cacheDir(): string {
  const fromEnv = process.env[CACHE_DIR_ENV]?.trim();
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.cache', 'temporal-chat-bridge');
}
