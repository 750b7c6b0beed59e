// Opens the soak's chats: starts each session workflow, waits until the vendor's simulator has it,
// has an agent accept it, and waits until the bridge reports the chat as established.
import type { ChaosVendor } from './chaos-vendor';
import { progress, sleep } from './progress';
import type { SessionRecord } from './session-record';
import type { TemporalLink } from './temporal-link';

export async function openSessions(
  link: TemporalLink,
  vendor: ChaosVendor,
  records: SessionRecord[],
  webhookUrl: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await Promise.all(
    records.map((r) =>
      link.call(10_000, (sessions) =>
        sessions.startOrGet(r.key, {
          provider: vendor.provider,
          customerId: r.key.customerId,
          visitorName: r.visitorName,
          webhookUrl,
          ...(r.continueAsNewAfterEvents
            ? { tuning: { continueAsNewAfterEvents: r.continueAsNewAfterEvents } }
            : {}),
        }),
      ),
    ),
  );
  // Accept only after ChasitorInit: the simulator refuses an agent on an uninitialized chat.
  const byVisitor = new Map(records.map((r) => [r.visitorName, r]));
  while (records.some((r) => r.vendorId === undefined)) {
    if (Date.now() > deadline)
      throw new Error(`sessions not initialized at the vendor: ${pendingLabels(records)}`);
    for (const s of vendor.sessions()) {
      const r = s.visitorName === undefined ? undefined : byVisitor.get(s.visitorName);
      if (!r || r.vendorId !== undefined || !s.initialized) continue;
      r.vendorId = s.id;
      vendor.accept(s.id, `Agent ${r.label}`);
    }
    await sleep(200);
  }
  for (const r of records) {
    for (;;) {
      const state = await link.call(5_000, (sessions) => sessions.state(r.key)).catch(() => undefined);
      if (state?.status === 'chatting') break;
      if (Date.now() > deadline)
        throw new Error(`${r.label} never reached 'chatting' (state ${JSON.stringify(state)})`);
      await sleep(250);
    }
  }
  progress(`opened ${records.length} chats; every one accepted by an agent`);
}

function pendingLabels(records: SessionRecord[]): string {
  return records
    .filter((r) => r.vendorId === undefined)
    .map((r) => r.label)
    .join(', ');
}
