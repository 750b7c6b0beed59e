// Building blocks for environment schemas, shared by the worker's own variables (worker-config.ts) and
// each vendor module's (src/providers/<vendor>/index.ts), so every bad setting reads the same way.
import { z } from 'zod';

/** A configuration the worker refuses to start with; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A blank variable counts as unset (compose files often pass `${VAR:-}`). */
export const unsetIfBlank = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);

/** An integer variable of at least `min`, `fallback` when unset. */
export const envInt = (fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** One line per issue: `  NAME: message (not set)`. Values are never echoed (some are secrets). */
export function envIssueLines(error: z.ZodError, env: Record<string, string | undefined>): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    return `  ${name}: ${issue.message}${value === undefined ? ' (not set)' : ''}`;
  });
}
