// Scripted faults (a queue a test fills) and chaos faults (per-request probabilities).
// A fault replaces or delays the real handling of one request to `/chat/rest/...`; the control API is exempt.
import { z } from 'zod';
import type { FaultRates } from './settings';
import type { Random } from './random';

/** Route path relative to `/chat/rest/`, matched as a prefix: `System/Messages`, `Chasitor/`, ... */
const pathFilter = z
  .string()
  .transform((p) => p.replace(/^\/?(chat\/rest\/)?/, ''))
  .optional();
const count = z.number().int().positive().default(1);

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    count,
    path: pathFilter,
  }),
  z.object({ kind: z.literal('latency'), ms: z.number().int().min(0), count, path: pathFilter }),
  z.object({
    kind: z.literal('reset'),
    count,
    path: pathFilter,
    // `after`: handle the request, then drop the answer (the server applied it, the client never knows).
    phase: z.enum(['before', 'after']).default('before'),
  }),
  z.object({
    kind: z.literal('malformed'),
    count,
    // Without a path only Messages polls are hit: the other resources answer no JSON worth breaking.
    path: pathFilter,
    variant: z.enum(['invalid-json', 'schema']).default('invalid-json'),
  }),
]);
export type Fault = z.infer<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

/** One fault as applied to one request. */
export type AppliedFault =
  | { kind: 'status'; status: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'reset'; phase: 'before' | 'after' }
  | { kind: 'malformed'; variant: 'invalid-json' | 'schema' };

const MESSAGES_PATH = 'System/Messages';
const CHAOS_STATUSES = [500, 502, 503] as const;

function matches(fault: Fault, routePath: string): boolean {
  if (fault.path !== undefined) return routePath.startsWith(fault.path);
  return fault.kind !== 'malformed' || routePath === MESSAGES_PATH;
}

function toApplied(fault: Fault): AppliedFault {
  switch (fault.kind) {
    case 'status':
      return { kind: 'status', status: fault.status };
    case 'latency':
      return { kind: 'latency', ms: fault.ms };
    case 'reset':
      return { kind: 'reset', phase: fault.phase };
    case 'malformed':
      return { kind: 'malformed', variant: fault.variant };
  }
}

export class FaultInjector {
  private scripted: Fault[] = [];

  constructor(
    private rates: FaultRates,
    private readonly chaosLatencyMs: number,
    private readonly random: Random,
  ) {}

  inject(input: FaultInput): Fault {
    const fault = faultSchema.parse(input);
    this.scripted.push(fault);
    return fault;
  }

  clear(): void {
    this.scripted = [];
  }

  pending(): readonly Fault[] {
    return this.scripted;
  }

  currentRates(): FaultRates {
    return { ...this.rates };
  }

  setRates(rates: FaultRates): void {
    this.rates = rates;
  }

  /** The fault for this request, if any: the oldest matching scripted fault first, then chaos. */
  take(routePath: string): AppliedFault | undefined {
    const index = this.scripted.findIndex((f) => matches(f, routePath));
    const fault = this.scripted[index];
    if (fault) {
      fault.count -= 1;
      if (fault.count <= 0) this.scripted.splice(index, 1);
      return toApplied(fault);
    }
    return this.chaos(routePath);
  }

  private chaos(routePath: string): AppliedFault | undefined {
    const { status5xx, latency, reset, malformed } = this.rates;
    if (status5xx > 0 && this.random.next() < status5xx) {
      return { kind: 'status', status: this.random.pick(CHAOS_STATUSES) };
    }
    if (reset > 0 && this.random.next() < reset) return { kind: 'reset', phase: 'before' };
    if (routePath === MESSAGES_PATH && malformed > 0 && this.random.next() < malformed) {
      return { kind: 'malformed', variant: this.random.next() < 0.5 ? 'invalid-json' : 'schema' };
    }
    if (latency > 0 && this.random.next() < latency) return { kind: 'latency', ms: this.chaosLatencyMs };
    return undefined;
  }
}
