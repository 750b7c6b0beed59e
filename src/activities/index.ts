// All activities of the chat session and the connection hub, built from the worker's shared
// dependencies. Workflows import only the type of this object.
import type { ActivityDeps } from './activity-deps';
import { attachConnectionActivity, detachConnectionActivity } from './attach-connection';
import { deliverEventsActivity } from './deliver-events';
import { fileRequestActivity } from './file-request';
import { holdConnectionsActivity } from './hold-connections';
import { openSessionActivity } from './open-session';
import { reassignSessionsActivity } from './reassign-sessions';
import { reconnectSessionActivity } from './reconnect-session';
import { sendToVendorActivity } from './send-to-vendor';

export function createActivities(deps: ActivityDeps) {
  return {
    openSession: openSessionActivity(deps),
    attachConnection: attachConnectionActivity(deps),
    detachConnection: detachConnectionActivity(deps),
    sendToVendor: sendToVendorActivity(deps),
    fileRequest: fileRequestActivity(deps),
    reconnectSession: reconnectSessionActivity(deps),
    deliverEvents: deliverEventsActivity(deps),
    reassignSessions: reassignSessionsActivity(deps),
  };
}

/** The hub's own task queue runs these: its lease, and attaches and detaches aimed at this hub. */
export function createHubActivities(deps: ActivityDeps) {
  return {
    holdConnections: holdConnectionsActivity(deps),
    attachConnection: attachConnectionActivity(deps),
    detachConnection: detachConnectionActivity(deps),
    // On the hub's own queue too: a vendor whose connection learns credentials (sendWhereHeld).
    sendToVendor: sendToVendorActivity(deps),
  };
}

export type ChatActivities = ReturnType<typeof createActivities> & ReturnType<typeof createHubActivities>;
export type { ActivityDeps } from './activity-deps';
export type { DeliverEventsInput, WebhookBody } from './deliver-events';
