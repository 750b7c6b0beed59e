// Simulator settings. All timings are milliseconds so tests can compress a 30 s silence limit into a few
// hundred ms.
import { z } from 'zod';

export const testStreamSimulatorSettingsSchema = z.object({
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().default('127.0.0.1'),
  /** A `: ping` comment on every open stream this often. */
  pingMs: z.number().int().positive().default(15_000),
  /** With no stream open for longer than this, a live session expires (every later call: 404). */
  silenceLimitMs: z.number().int().positive().default(30_000),
  /**
   * A second stream arriving while one looks open waits this long before it is judged a conflict, so a
   * client that dropped its stream and reopened at once is not punished for the close arriving late.
   */
  conflictGraceMs: z.number().int().min(0).default(25),
  /** The `queue` event every new session starts with; null sends none. */
  queuePosition: z.number().int().min(0).nullable().default(1),
});

export type TestStreamSimulatorSettings = z.infer<typeof testStreamSimulatorSettingsSchema>;
/** What `TestStreamSimulator.start` accepts: every field optional. */
export type TestStreamSimulatorOptions = z.input<typeof testStreamSimulatorSettingsSchema>;

export function resolveSettings(options: TestStreamSimulatorOptions = {}): TestStreamSimulatorSettings {
  return testStreamSimulatorSettingsSchema.parse(options);
}
