// All sessions of one simulator, found by id (control side) or by secret key (wire side).
import { newAffinityToken, newSessionId, newSessionKey } from './ids';
import { SimSession } from './sim-session';

export class SessionStore {
  private readonly byIdMap = new Map<string, SimSession>();
  private readonly byKeyMap = new Map<string, SimSession>();

  create(now: number, queuePosition: number): SimSession {
    const id = newSessionId();
    const session = new SimSession(id, newSessionKey(id, now), newAffinityToken(), now, queuePosition);
    this.byIdMap.set(id, session);
    this.byKeyMap.set(session.key, session);
    return session;
  }

  byId(id: string): SimSession | undefined {
    return this.byIdMap.get(id);
  }

  byKey(key: string | undefined): SimSession | undefined {
    return key === undefined ? undefined : this.byKeyMap.get(key);
  }

  all(): SimSession[] {
    return [...this.byIdMap.values()];
  }

  open(): SimSession[] {
    return this.all().filter((s) => !s.closed);
  }
}
