// All sessions of one simulator, by id, oldest first.
import type { SimSession } from './sim-session';

export class SessionStore {
  private readonly sessions = new Map<string, SimSession>();

  add(session: SimSession): void {
    this.sessions.set(session.id, session);
  }

  byId(id: string): SimSession | undefined {
    return this.sessions.get(id);
  }

  all(): SimSession[] {
    return [...this.sessions.values()];
  }
}
