// Simulator settings. Everything undocumented by the vendor ([G] in docs/protocols/salesforce-live-agent.md) is a setting, and all
// timings are milliseconds so tests can compress a 30 s hold or a 45 s session timeout into a few ms.
import { z } from 'zod';

const probability = z.number().min(0).max(1);

export const faultRatesSchema = z.object({
  /** Answer 500/502/503 instead of handling the request. */
  status5xx: probability.default(0),
  /** Delay the request by `chaosLatencyMs` before handling it. */
  latency: probability.default(0),
  /** Destroy the socket without answering. */
  reset: probability.default(0),
  /** Answer a Messages poll with a 200 whose body is broken. */
  malformed: probability.default(0),
});
export type FaultRates = z.infer<typeof faultRatesSchema>;

export const autoAcceptSchema = z.object({
  agentName: z.string().min(1),
  agentId: z.string().optional(),
  delayMs: z.number().int().min(0).default(0),
});

export const liveAgentSimulatorSettingsSchema = z
  .object({
    /** 0 picks a free port. */
    port: z.number().int().min(0).max(65535).default(0),
    host: z.string().default('127.0.0.1'),
    /** The only X-LIVEAGENT-API-VERSION accepted; anything else gets 400. */
    apiVersion: z.string().default('52'),
    /** How long an empty Messages poll is held before 204 (undocumented; clients observe 30–40 s). */
    holdMs: z.number().int().min(0).default(30_000),
    /** `clientPollTimeout` returned by SessionId, in seconds as on the wire. */
    clientPollTimeoutSec: z.number().int().positive().default(40),
    /** With no poll open for longer than this, the session expires (undocumented; a runbook saw ~45 s). */
    sessionTimeoutMs: z.number().int().positive().default(45_000),
    organizationId: z.string().default('00D000000000001'),
    deploymentId: z.string().default('572000000000001'),
    buttonId: z.string().default('573000000000001'),
    /** A scripted agent that accepts every chat `delayMs` after ChasitorInit. */
    autoAccept: autoAcceptSchema.optional(),
    /** queuePosition reported in ChatRequestSuccess. */
    queuePosition: z.number().int().min(0).default(1),
    /** Whether Visitor/Availability reports the button as available. */
    buttonAvailable: z.boolean().default(true),
    /**
     * A second poll arriving while one looks open waits this long before it is judged a conflict, so a
     * client that aborted its poll and re-polled at once is not punished for the server seeing the close late.
     */
    conflictGraceMs: z.number().int().min(0).default(25),
    /** Include `offset` in Messages answers; older API versions left it out (§1.6). */
    sendOffset: z.boolean().default(true),
    /** Reject `ack` values the server never sent as a `sequence` (a client computing ack itself is a bug). */
    strictAck: z.boolean().default(true),
    /**
     * Refuse ChasitorResyncState (400) until a Messages 200 has carried the reconnect's
     * ChasitorSessionData: the documented order is poll, rebuild from the replay, then resync (§1.9)
     * [G: what the server does with an early resync is not documented].
     */
    strictResyncOrder: z.boolean().default(true),
    /** Status for accepted Chasitor POSTs other than ChasitorInit; the docs allow 200 or 202. */
    postAcceptStatus: z.union([z.literal(200), z.literal(202)]).default(200),
    /** Chaos: probability per request that the server fails over (affinity rotates, 503). */
    failoverRate: probability.default(0),
    faultRates: faultRatesSchema.default({ status5xx: 0, latency: 0, reset: 0, malformed: 0 }),
    chaosLatencyMs: z.number().int().min(0).default(500),
    /** Seed for chaos decisions, so a chaos run can be replayed. */
    seed: z.number().int().optional(),
    /** How many events the control API keeps for `GET /__control/events`. */
    eventLogLimit: z.number().int().positive().default(10_000),
  })
  .refine((s) => s.holdMs < s.clientPollTimeoutSec * 1000, {
    message: 'holdMs must stay below clientPollTimeoutSec, or a correct client aborts every idle poll',
    path: ['holdMs'],
  });

export type LiveAgentSimulatorSettings = z.infer<typeof liveAgentSimulatorSettingsSchema>;
/** What `LiveAgentSimulator.start` accepts: every field optional. */
export type LiveAgentSimulatorOptions = z.input<typeof liveAgentSimulatorSettingsSchema>;
/** Same as LiveAgentSimulatorOptions (the name the test fixtures use). */
export type LiveAgentSimulatorSettingsInput = LiveAgentSimulatorOptions;

export function resolveSettings(options: LiveAgentSimulatorOptions = {}): LiveAgentSimulatorSettings {
  return liveAgentSimulatorSettingsSchema.parse(options);
}
