// All activities of the chat session, built from the worker's shared dependencies.
// Workflows import only the type of this object.
import type { ActivityDeps } from './activity-deps';
import { deliverEventsActivity } from './deliver-events';
import { openSessionActivity } from './open-session';
import { pollVendorActivity } from './poll-vendor';
import { reconnectSessionActivity } from './reconnect-session';
import { sendToVendorActivity } from './send-to-vendor';

export function createActivities(deps: ActivityDeps) {
  return {
    openSession: openSessionActivity(deps),
    pollVendor: pollVendorActivity(deps),
    sendToVendor: sendToVendorActivity(deps),
    reconnectSession: reconnectSessionActivity(deps),
    deliverEvents: deliverEventsActivity(deps),
  };
}

export type ChatActivities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './activity-deps';
export type { DeliverEventsInput, WebhookBody } from './deliver-events';
