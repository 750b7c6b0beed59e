// Provider lookup by name. The enabled vendors are built in enabled-providers.ts (one line per vendor).
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../shared/failure-types';
import type { ChatProvider } from './chat-provider';

export class ProviderRegistry {
  private readonly providers = new Map<string, ChatProvider>();

  constructor(providers: ChatProvider[]) {
    for (const provider of providers) this.providers.set(provider.name, provider);
  }

  get(name: string): ChatProvider {
    const provider = this.providers.get(name);
    if (!provider) {
      throw ApplicationFailure.create({
        type: FailureType.unknownProvider,
        message: `no provider named '${name}' is registered on this worker (have: ${[...this.providers.keys()].join(', ')})`,
        nonRetryable: true,
      });
    }
    return provider;
  }

  /** The provider, or undefined when this worker does not run it. */
  find(name: string): ChatProvider | undefined {
    return this.providers.get(name);
  }

  /** Closes what the providers serve (each provider's own `close`), whatever fails. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.providers.values()].map((p) => p.close?.()));
  }

  names(): string[] {
    return [...this.providers.keys()];
  }
}
