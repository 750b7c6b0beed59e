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
}

export const defaultEventBounds: EventBounds = { maxBytes: 64 * 1024, maxDepth: 32 };

export function boundEvent(event: BridgeEvent, bounds: EventBounds = defaultEventBounds): BridgeEvent {
  const depth = depthOf(event, bounds.maxDepth + 1);
  if (depth > bounds.maxDepth) return oversize(event, { reason: 'tooDeep', depthOver: bounds.maxDepth });
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > bounds.maxBytes) return oversize(event, { reason: 'tooLarge', bytes });
  return event;
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
