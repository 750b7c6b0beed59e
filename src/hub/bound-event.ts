// Bounds on one vendor event before it becomes a Temporal payload. A message nested thousands of levels
// deep, or one of megabytes, cannot be recorded (payloads are limited to 2 MB, and deep JSON breaks
// the payload converter); unbounded, the session would refuse it forever and the vendor would resend
// the same unacknowledged batch. Such an event becomes a small `unknown` event that says what was
// dropped (type, size, depth), is recorded and acknowledged, and the chat goes on.
import type { BridgeEvent } from '../shared/events';

export interface EventBounds {
  /** Most bytes of one event as JSON. */
  maxBytes: number;
  /** Deepest nesting of objects and arrays. */
  maxDepth: number;
  /**
   * Most bytes of one vendor answer's events together: they go to the session in one update, whose
   * payload must stay under Temporal's 2 MB limit with room for the rest of the batch.
   */
  maxBatchBytes: number;
}

export const defaultEventBounds: EventBounds = {
  maxBytes: 64 * 1024,
  maxDepth: 32,
  maxBatchBytes: 1024 * 1024,
};
/** What naming adds to each event in the update (`id`, `index`, `at`, the wrapper), generously. */
const namedEventOverheadBytes = 160;

/**
 * Bounds every event, then, if one answer's events are still too large together (a hostile vendor: 4 MB
 * of 64 KB messages), drops the largest to `unknown` events naming why until the rest fits. The batch
 * cannot be split: the vendor's cursor acknowledges a whole answer, and a replay after a crash may carry
 * more than the first time.
 */
export function boundBatch(events: BridgeEvent[], bounds: EventBounds = defaultEventBounds): BridgeEvent[] {
  const measured = events.map((e) => boundAndMeasure(e, bounds));
  const out = measured.map((m) => m.event);
  const sizes = measured.map((m) => m.bytes + namedEventOverheadBytes);
  let total = sizes.reduce((a, b) => a + b, 0);
  if (total <= bounds.maxBatchBytes) return out;
  const largestFirst = sizes.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  for (const i of largestFirst) {
    if (total <= bounds.maxBatchBytes) break;
    const dropped = oversize(out[i]!, {
      reason: 'batchTooLarge',
      bytes: sizes[i]! - namedEventOverheadBytes,
    });
    const size = measure(dropped).bytes + namedEventOverheadBytes;
    if (size >= sizes[i]!) continue; // already as small as a dropped event gets
    total -= sizes[i]! - size;
    out[i] = dropped;
    sizes[i] = size;
  }
  return out;
}

export function boundEvent(event: BridgeEvent, bounds: EventBounds = defaultEventBounds): BridgeEvent {
  return boundAndMeasure(event, bounds).event;
}

/** The bounded event and its size as JSON: each event is serialized once per batch. */
function boundAndMeasure(event: BridgeEvent, bounds: EventBounds): { event: BridgeEvent; bytes: number } {
  const depth = depthOf(event, bounds.maxDepth + 1);
  if (depth > bounds.maxDepth)
    return measure(oversize(event, { reason: 'tooDeep', depthOver: bounds.maxDepth }));
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > bounds.maxBytes) return measure(oversize(event, { reason: 'tooLarge', bytes }));
  return { event, bytes };
}

function measure(event: BridgeEvent): { event: BridgeEvent; bytes: number } {
  return { event, bytes: Buffer.byteLength(JSON.stringify(event)) };
}

function oversize(event: BridgeEvent, detail: Record<string, unknown>): BridgeEvent {
  const vendorType = event.kind === 'unknown' ? event.vendorType : event.kind;
  return { kind: 'unknown', vendorType, raw: { dropped: true, ...detail } };
}

/** Nesting depth, counted iteratively (a recursive walk would overflow on hostile input), capped at `stopAt`. */
function depthOf(value: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, d);
    if (deepest >= stopAt) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}
