// Request bodies of the `/__control/` HTTP API. In-process callers use the TestStreamSimulator methods
// with the same shapes.
import { z } from 'zod';
import { malformedVariantSchema } from './faults';

export const agentIdentitySchema = z.object({
  agentName: z.string().min(1),
  agentId: z.string().min(1).optional(),
});
export const agentTextSchema = z.object({ text: z.string().min(1) });
export const typingSchema = z.object({ on: z.boolean() });
export const queueUpdateSchema = z.object({
  position: z.number().int().min(0),
  estimatedWaitSeconds: z.number().min(0).optional(),
});
export const endChatSchema = z.object({ reason: z.string().min(1).optional() });
export const rotateTokenSchema = z.object({ reason: z.string().optional() });
export const rawEventSchema = z.object({ type: z.string().min(1), data: z.unknown().default({}) });
export const malformedSchema = z.object({
  count: z.number().int().min(0).default(1),
  variant: malformedVariantSchema.default('invalid-json'),
});
