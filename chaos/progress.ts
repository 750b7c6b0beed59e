// Progress lines on stdout, stamped with the seconds since the run started, so a failure can be read
// against the chaos actions that preceded it.
const started = Date.now();

export function elapsedSec(): string {
  return ((Date.now() - started) / 1000).toFixed(1).padStart(6);
}

export function progress(line: string): void {
  console.log(`[${elapsedSec()}s] ${line}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
