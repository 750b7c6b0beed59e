// What the activities need from the worker process. Built once per worker (src/worker.ts) so every
// activity shares one HTTP dispatcher and one poll guard.
import type { Dispatcher } from 'undici';
import type { ProviderRegistry } from '../providers/registry';
import type { PollGuard } from './poll-guard';

export interface ActivityDeps {
  providers: ProviderRegistry;
  pollGuard: PollGuard;
  webhook: {
    dispatcher: Dispatcher;
    /** HMAC secret for webhook signatures; read from the environment, never from workflow input. */
    secret: string;
    timeoutMs: number;
  };
  /** Attempts after which a repeatedly malformed vendor body stops being retried. */
  malformedAttemptsLimit: number;
}
