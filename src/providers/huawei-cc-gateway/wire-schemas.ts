// Huawei CC-Gateway's agent interface on the wire (docs/protocols/huawei-cc-gateway.md §1, §5, §6):
// every answer is HTTP 200 with `{message, retcode, result | event}`, `retcode` a string ("0" is
// success); events are `{eventType, workNo, eventGenTime?, content}`, one per poll answer, a list per
// push. Fields the docs show only sometimes are optional; retcodes.ts decides what an answer means.
import { z } from 'zod';

/** One agent event. `content` is an object, a string (a call id) or null, depending on the type. */
export const agentEventSchema = z.looseObject({
  eventType: z.string().min(1),
  workNo: z.union([z.string(), z.number()]).optional(),
  eventGenTime: z.union([z.number(), z.string()]).optional(),
  content: z.unknown().optional(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;

/** Every answer of the gateway. An empty poll answer has no `event`, or `event: null` [G]. */
export const gatewayReplySchema = z.looseObject({
  message: z.string().optional(),
  retcode: z.string(),
  result: z.unknown().optional(),
  event: agentEventSchema.nullable().optional(),
});
export type GatewayReply = z.infer<typeof gatewayReplySchema>;

/** The body the gateway POSTs to `callBackUri` in push mode: the agent's events, oldest first. */
export const pushBodySchema = z.looseObject({
  workNo: z.union([z.string(), z.number()]),
  eventList: z.array(agentEventSchema),
});
export type PushBody = z.infer<typeof pushBodySchema>;

/** The sign-in body (method `login`); push mode needs both `callBackUri` and `serviceToken`. */
export interface SignInBody {
  password: string;
  phonenum: string;
  autoanswer?: boolean;
  autoenteridle?: boolean;
  releasephone?: boolean;
  agenttype?: number;
  /** Initial state: 3 busy, 4 idle (the gateway's default), 5 wrap-up. */
  status?: 3 | 4 | 5;
  callBackUri?: string;
  serviceToken?: string;
}
