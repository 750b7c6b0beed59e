// The environment of a bridge worker process wired to the local Live Agent simulator: one place for
// the demo, the tests, the benchmark and the chaos soak (see src/config/worker-config.ts).

/** The Live Agent deployment ids the local simulator is started with, and the worker configured with. */
export const localLiveAgentIds = {
  organizationId: '00D000000000001AAA',
  deploymentId: '572000000000001AAA',
  buttonId: '573000000000001AAA',
} as const;

export function localWorkerEnv(options: {
  temporalAddress: string;
  liveAgentUrl: string;
  taskQueue: string;
  webhookSecret: string;
}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: options.temporalAddress,
    LIVE_AGENT_URL: options.liveAgentUrl,
    LIVE_AGENT_ORG_ID: localLiveAgentIds.organizationId,
    LIVE_AGENT_DEPLOYMENT_ID: localLiveAgentIds.deploymentId,
    LIVE_AGENT_BUTTON_ID: localLiveAgentIds.buttonId,
    WEBHOOK_SECRET: options.webhookSecret,
    CHAT_BRIDGE_TASK_QUEUE: options.taskQueue,
    LOG_LEVEL: 'WARN',
  };
}
