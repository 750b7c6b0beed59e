// Visitor/* resources (§1.3 rows 14–17): no session, API version only, answered in the messages envelope.
import { randomUUID } from 'node:crypto';
import {
  breadcrumbBodySchema,
  type AvailabilityMessage,
  type VisitorIdMessage,
  type VisitorSettingsMessage,
} from '../../providers/salesforce-live-agent/wire-schemas';
import { checkApiVersion, parseJsonBody } from './guards';
import { emptyReply, jsonReply, textReply, type Reply, type SimRequest } from './http-reply';
import type { SimulatorCore } from './simulator-core';

function checkDeployment(core: SimulatorCore, req: SimRequest): Reply | undefined {
  const refusal = checkApiVersion(core, req);
  if (refusal) return refusal;
  const { organizationId, deploymentId } = core.settings;
  if (req.query.get('org_id') !== organizationId || req.query.get('deployment_id') !== deploymentId) {
    return textReply(400, 'Unknown org_id or deployment_id');
  }
  return undefined;
}

const envelope = (type: string, message: unknown) => ({ messages: [{ type, message }] });

export function handleAvailability(core: SimulatorCore, req: SimRequest): Reply {
  const refusal = checkDeployment(core, req);
  if (refusal) return refusal;
  const ids = (req.query.get('Availability.ids') ?? '').split(',').filter((id) => id !== '');
  const withWait = req.query.get('Availability.needEstimatedWaitTime') === '1';
  const body: AvailabilityMessage = {
    results: ids.map((id) => {
      const available = id === core.settings.buttonId && core.settings.buttonAvailable;
      // A missing isAvailable means "no" on the wire, so it is only sent when true.
      return {
        id,
        ...(available ? { isAvailable: true } : {}),
        ...(withWait ? { estimatedWaitTime: -1 } : {}),
      };
    }),
  };
  return jsonReply(200, envelope('Availability', body));
}

export function handleVisitorSettings(core: SimulatorCore, req: SimRequest): Reply {
  const refusal = checkDeployment(core, req);
  if (refusal) return refusal;
  const body: VisitorSettingsMessage = {
    pingrate: 50_000,
    contentServerUrl: core.origin,
    buttons: [{ id: core.settings.buttonId, type: 'Standard', isAvailable: core.settings.buttonAvailable }],
  };
  return jsonReply(200, envelope('Settings', body));
}

export function handleVisitorId(core: SimulatorCore, req: SimRequest): Reply {
  const refusal = checkDeployment(core, req);
  if (refusal) return refusal;
  const body: VisitorIdMessage = { sessionId: randomUUID() };
  return jsonReply(200, envelope('VisitorId', body));
}

export function handleBreadcrumb(core: SimulatorCore, req: SimRequest): Reply {
  const refusal = checkApiVersion(core, req);
  if (refusal) return refusal;
  const json = parseJsonBody(req);
  if (!json.ok) return json.reply;
  if (!breadcrumbBodySchema.safeParse(json.value).success) return textReply(400, 'Invalid Breadcrumb body');
  return emptyReply(200);
}
