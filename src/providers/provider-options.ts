// A session's `providerOptions` read with the vendor's own schema: the value, or why it is refused (the
// first few problems, each with its path), checked before anything reaches the vendor.
import type { z } from 'zod';

export type ParsedOptions<T> = { ok: true; value: T } | { ok: false; problem: string };

export function parseProviderOptions<S extends z.ZodType>(
  schema: S,
  options: Record<string, unknown>,
): ParsedOptions<z.infer<S>> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problem = parsed.error.issues
    .slice(0, 5)
    .map((i) => `providerOptions.${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, problem };
}
