// Request bodies of the `/__control/` HTTP API (the agent side, for the standalone simulator and other
// processes). In-process callers use the LiveAgentSimulator methods with the same shapes.
import { z } from 'zod';
import { faultRatesSchema } from './settings';

export const agentIdentitySchema = z.object({ agentName: z.string().min(1), agentId: z.string().optional() });
export const agentTextSchema = z.object({ text: z.string().min(1) });
export const typingSchema = z.object({ on: z.boolean() });
export const queueUpdateSchema = z.object({
  position: z.number().int().min(0),
  estimatedWaitTime: z.number().optional(),
});
export const customEventSchema = z.object({ type: z.string().min(1), data: z.string() });
export const failRequestSchema = z.object({ reason: z.string().optional() });
export const rawMessageControlSchema = z.object({
  type: z.string().min(1),
  message: z.unknown().default({}),
});
export const failoverSchema = z.object({ sessionId: z.string().optional() });
export const chaosSchema = z.object({
  // Only the rates given change; the others keep their value.
  faultRates: z.partialRecord(faultRatesSchema.keyof(), z.number().min(0).max(1)).optional(),
  failoverRate: z.number().min(0).max(1).optional(),
});
export type ChaosUpdate = z.infer<typeof chaosSchema>;
