// Scripted faults a test arms: the next n wire requests fail with a 5xx, the next n event frames go out
// broken. A broken frame is broken on the wire only: the stored event stays intact, so a client that
// reopens from its Last-Event-ID gets the good copy (a transmission glitch, not a corrupt session).
import { z } from 'zod';

export const faultsSchema = z.object({
  status5xxNext: z.number().int().min(0).default(0),
  status: z.number().int().min(500).max(599).default(503),
});
export type FaultsInput = z.input<typeof faultsSchema>;

export const malformedVariantSchema = z.enum(['invalid-json', 'schema']);
export type MalformedVariant = z.infer<typeof malformedVariantSchema>;

export class FaultState {
  private status5xxLeft = 0;
  private status = 503;
  private malformedLeft = 0;
  private variant: MalformedVariant = 'invalid-json';

  /** Replaces what was armed before (a count of 0 disarms). */
  inject(input: FaultsInput): void {
    const faults = faultsSchema.parse(input);
    this.status5xxLeft = faults.status5xxNext;
    this.status = faults.status;
  }

  armMalformed(count: number, variant: MalformedVariant): void {
    this.malformedLeft = count;
    this.variant = variant;
  }

  /** The status this request fails with, if a 5xx is armed. */
  take5xx(): number | undefined {
    if (this.status5xxLeft <= 0) return undefined;
    this.status5xxLeft -= 1;
    return this.status;
  }

  /** The `data` to send instead of `data`, if a broken frame is armed. */
  takeMalformed(data: string): string | undefined {
    if (this.malformedLeft <= 0) return undefined;
    this.malformedLeft -= 1;
    // `[]` is JSON but no event's object; the cut-off form is not JSON at all.
    return this.variant === 'schema' ? '[]' : data.slice(0, Math.max(1, Math.floor(data.length / 2)));
  }

  pending(): { status5xxNext: number; malformedNext: number } {
    return { status5xxNext: this.status5xxLeft, malformedNext: this.malformedLeft };
  }
}
