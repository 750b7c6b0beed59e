// Builds the ChasitorInit body (docs/protocols/salesforce-live-agent.md §1.5) from deployment config and the session's own options.
import type { OpenSessionRequest } from '../chat-provider';
import type { LiveAgentConfig } from './config';
import { chasitorInitBodySchema } from './wire-schemas';

/**
 * Why the vendor would refuse this ChasitorInit, or null: the pre-chat details and entities (and every
 * other field) against the documented shapes (docs/protocols/salesforce-live-agent.md §1.5).
 */
export function chasitorInitProblem(init: unknown): string | null {
  const parsed = chasitorInitBodySchema.safeParse(init);
  if (parsed.success) return null;
  return parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join('; ');
}

export function buildChasitorInit(config: LiveAgentConfig, sessionId: string, request: OpenSessionRequest) {
  const options = request.providerOptions;
  const pick = <T>(key: string, fallback: T): T =>
    options[key] === undefined ? fallback : (options[key] as T);
  return {
    organizationId: config.organizationId,
    deploymentId: config.deploymentId,
    buttonId: pick('buttonId', config.buttonId),
    sessionId,
    userAgent: pick('userAgent', 'temporal-chat-bridge'),
    language: pick('language', 'en-US'),
    screenResolution: pick('screenResolution', '1x1'),
    visitorName: request.visitorName,
    prechatDetails: pick('prechatDetails', []),
    prechatEntities: pick('prechatEntities', []),
    // Sent only when given: an empty list is not "no overrides" to every org (§1.5).
    ...(Array.isArray(options.buttonOverrides) && options.buttonOverrides.length > 0
      ? { buttonOverrides: options.buttonOverrides as string[] }
      : {}),
    receiveQueueUpdates: pick('receiveQueueUpdates', true),
    isPost: true,
  };
}
