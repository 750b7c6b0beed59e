// The gateway's session id (docs/protocols/huawei-cc-gateway.md §2): `Set-GUID: JSESSIONID=<guid>` on
// the sign-in answer, and under AUTHMODE 2 on poll and heartbeat answers when it rotates; sent back as
// the `Guid` header.

/** The GUID a `Set-GUID` header value names, or null when it names none. */
export function guidOf(setGuid: string | string[] | undefined): string | null {
  const value = Array.isArray(setGuid) ? setGuid.at(-1) : setGuid;
  if (!value) return null;
  const match = /(?:^|[;,\s])JSESSIONID=([^;,\s]+)/.exec(value) ?? /^([^=;,\s]+)$/.exec(value.trim());
  return match?.[1] ?? null;
}

/** The header value the simulator (and the gateway) sends. */
export function setGuidHeader(guid: string): string {
  return `JSESSIONID=${guid}`;
}
