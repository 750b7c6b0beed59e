// What a channel webhook URL may be. Sandbox-safe (no URL class, no zod): the client helper checks it
// with its allow-list before a session starts, and the workflow checks the shape again, since anyone can
// start the workflow without the helper.
import { isLoopbackHost } from './loopback-host';

const urlPattern = /^(https?):\/\/([^/?#\s]*@)?(\[[0-9a-f:.]+\]|[^:/?#\s@[\]]+)(?::(\d{1,5}))?([/?#]\S*)?$/i;

/** Why this is not an http(s) URL a delivery can go to, or null. */
export function webhookUrlShapeProblem(url: string): string | null {
  if (url.length > 2_048) return 'must be at most 2048 characters';
  const match = urlPattern.exec(url);
  if (!match) return 'must be an http(s) URL such as https://channel.example/hooks/chat';
  if (match[2]) return 'must not carry credentials (user:password@): they would be stored in history';
  const port = match[4] === undefined ? undefined : Number(match[4]);
  if (port !== undefined && (port < 1 || port > 65_535)) return 'has a port outside 1–65535';
  return null;
}

/**
 * Why the client helper refuses this URL, or null: https always; plain http only to this machine or to
 * a host the backend listed (`httpWebhookHosts`), since deliveries carry customer messages.
 */
export function webhookUrlProblem(url: string, httpHosts: readonly string[] = []): string | null {
  const shape = webhookUrlShapeProblem(url);
  if (shape) return shape;
  const [, scheme, , host] = urlPattern.exec(url)!;
  if (scheme!.toLowerCase() === 'https') return null;
  const name = host!.toLowerCase();
  if (isLoopbackHost(name) || httpHosts.map((h) => h.toLowerCase()).includes(name)) return null;
  return `must be https (plain http only to loopback or a host in httpWebhookHosts, not ${name})`;
}
