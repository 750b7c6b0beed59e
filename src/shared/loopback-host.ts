// Whether a host name is this machine. Sandbox-safe: the workflow checks webhook URLs with it too.

/** `localhost`, `127.x.y.z`, `::1` (bracketed or not). Case-insensitive. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name === '::1' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
