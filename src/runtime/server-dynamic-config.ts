// Temporal server settings the bridge is measured and tested with. The dev-server supervisor passes
// them as `--dynamic-config-value`; deploy/dynamicconfig/chat-bridge.yaml sets the same for the
// compose stack (test/unit/compose-file.test.ts keeps the two equal).

export const serverDynamicConfig = {
  // A scheduled activity is handed to the worker in the reply to the workflow task that scheduled it,
  // when that worker has a free slot: one task dispatch less for every send, poll and delivery
  // (BENCHMARKS.md: customer → vendor p50 ×1.6–2.4 → ×1.0–1.1 of the engine floor).
  'system.enableActivityEagerExecution': true,
} as const;

export function dynamicConfigArgs(): string[] {
  return Object.entries(serverDynamicConfig).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
