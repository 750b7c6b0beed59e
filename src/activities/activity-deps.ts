// What the activities need from the worker process. Built once per worker (src/create-worker.ts) so every
// activity shares one HTTP dispatcher and the worker's connection hub.
import type { ProviderRegistry } from '../providers/registry';
import type { WebhookSettings } from '../delivery/post-webhook-event';
import type { ConnectionHub } from '../hub/connection-hub';

export interface ActivityDeps {
  providers: ProviderRegistry;
  hub: ConnectionHub;
  webhook: WebhookSettings;
}
