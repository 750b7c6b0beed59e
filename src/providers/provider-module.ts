// One vendor = one module: the worker enables vendors by name (CHAT_BRIDGE_PROVIDERS) and reads only the
// enabled vendors' variables. `src/providers/<vendor>/index.ts` exports one of these.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { ChatProvider } from './chat-provider';

export interface ProviderModule<Config = unknown> {
  /** The name sessions use in `StartSessionInput.provider`. */
  readonly name: string;
  /** The environment variables this vendor needs, validated only when it is enabled. */
  readonly envSchema: z.ZodType<Config>;
  create(config: Config, deps: { dispatcher: Dispatcher }): ChatProvider;
}
