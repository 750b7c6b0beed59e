// Tells the hub's lease workflow which sessions the hub holds, in batches: one signal carries every
// attach and detach of the last few milliseconds. An attach waits until its batch is recorded, so a hub
// that dies right after an attach still has that session on the list its lease workflow re-homes.
import { backoffMs } from './backoff';
import type { HubMembershipSignal } from '../shared/hub-types';

export class MembershipReporter {
  private attached = new Set<string>();
  private detached = new Set<string>();
  private waiters: Array<() => void> = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly report: (change: HubMembershipSignal) => Promise<void>,
    private readonly batchMs = 50,
  ) {}

  /** Resolves once the lease workflow has recorded the attach. */
  attachedNow(workflowId: string): Promise<void> {
    // Closed: nothing is reported any more (the hub refuses the attach right after).
    if (this.closed) return Promise.resolve();
    this.detached.delete(workflowId);
    this.attached.add(workflowId);
    const recorded = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.schedule();
    return recorded;
  }

  /** Not awaited: a session missing from a detach only gets a harmless extra `connectionLost`. */
  detachedNow(workflowId: string): void {
    this.attached.delete(workflowId);
    this.detached.add(workflowId);
    this.schedule();
  }

  close(): void {
    this.closed = true;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private schedule(): void {
    if (this.flushing || this.closed) return;
    this.flushing = (async () => {
      await new Promise((r) => setTimeout(r, this.batchMs));
      for (let attempt = 1; !this.closed; attempt += 1) {
        const change = { attached: [...this.attached], detached: [...this.detached] };
        const waiters = this.waiters.splice(0);
        this.attached.clear();
        this.detached.clear();
        try {
          await this.report(change);
          for (const resolve of waiters) resolve();
          if (this.attached.size === 0 && this.detached.size === 0) break;
        } catch {
          // Closed meanwhile: nothing more is reported, so nobody may wait for it.
          if (this.closed) {
            for (const resolve of waiters) resolve();
            break;
          }
          // Put the change back (newer changes win) and try again.
          for (const id of change.attached) if (!this.detached.has(id)) this.attached.add(id);
          for (const id of change.detached) if (!this.attached.has(id)) this.detached.add(id);
          this.waiters.unshift(...waiters);
          await new Promise((r) => setTimeout(r, backoffMs(attempt)));
        }
      }
    })().finally(() => {
      this.flushing = null;
      if (this.attached.size > 0 || this.detached.size > 0) this.schedule();
    });
  }
}
