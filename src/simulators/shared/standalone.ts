// The frame of a standalone simulator process (`main.ts`): numeric flags, stop on SIGINT/SIGTERM, and
// exit 1 with the message when starting fails.

/** A numeric command-line flag, or undefined when it was not given. Throws on anything else. */
export function numericFlag(
  flag: string,
  raw: string | boolean | undefined,
  kind: 'number' | 'integer',
): number | undefined {
  if (raw === undefined || typeof raw !== 'string') return undefined;
  const value = Number(raw);
  const ok = kind === 'integer' ? Number.isInteger(value) : Number.isFinite(value);
  if (!ok) throw new Error(`--${flag} expects ${kind === 'integer' ? 'an integer' : 'a number'}, got ${raw}`);
  return value;
}

/** Runs `main`; the simulator it starts (none for `--help`) is closed on SIGINT or SIGTERM. */
export function runStandalone(main: () => Promise<{ close(): Promise<void> } | undefined>): void {
  main()
    .then((sim) => {
      if (!sim) return;
      const stop = () => {
        void sim.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
