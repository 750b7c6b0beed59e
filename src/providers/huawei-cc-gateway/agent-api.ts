// The CC-Gateway agent operations this provider makes, each one call and one reading of its answer
// (docs/protocols/huawei-cc-gateway.md §3–§7): sign-in (forcelogin only when asked), skills, the event
// poll, the push-mode handshake, state changes and sign-out. Every answer's `Set-GUID` is returned so
// the caller adopts a rotated GUID at once.
import { FailureType } from '../../shared/failure-types';
import { vendorFailure } from '../vendor-failure';
import type { GatewayHttpClient } from './http-client';
import { providerName, readResult, retcode } from './retcodes';
import type { AgentEvent, SignInBody } from './wire-schemas';

export interface SignedIn {
  guid: string;
  /** Sign-in met `100-002` and forcelogin signed the other session out. */
  forced: boolean;
}

export interface Polled {
  /** The event, or null after an empty hold. */
  event: AgentEvent | null;
  /** A rotated GUID the answer named (AUTHMODE 2), or null. */
  newGuid: string | null;
}

/** The gateway holds a poll about 10 s: the client waits longer than that before it gives up. */
const pollTimeoutMs = 20_000;

export class AgentApi {
  constructor(private readonly http: GatewayHttpClient) {}

  /**
   * Sign-in; `100-002` (signed in elsewhere) → forcelogin when `forceLogin`, else the typed
   * AgentSignedInElsewhere failure. A sign-in without a `Set-GUID` is malformed.
   */
  async signIn(
    agentId: string,
    body: SignInBody,
    forceLogin: boolean,
    signal: AbortSignal,
  ): Promise<SignedIn> {
    const id = encodeURIComponent(agentId);
    const attempt = async (force: boolean) =>
      this.http.call(
        {
          method: 'PUT',
          path: `/onlineagent/${id}${force ? '/forcelogin' : ''}`,
          template: `/onlineagent/{agentid}${force ? '/forcelogin' : ''}`,
          operation: force ? 'forceLogin' : 'login',
          body,
        },
        signal,
      );
    let answer = await attempt(false);
    let forced = false;
    if (answer.reply.retcode === retcode.signedInElsewhere && forceLogin) {
      answer = await attempt(true);
      forced = true;
    }
    readResult(answer.reply, forced ? 'forceLogin' : 'login');
    if (!answer.setGuid) {
      throw vendorFailure(FailureType.malformedResponse, 'sign-in answered without Set-GUID', {
        provider: providerName,
        operation: 'login',
      });
    }
    return { guid: answer.setGuid, forced };
  }

  /** Skill sign-in: all configured skills, or these ids only. */
  async resetSkills(
    agentId: string,
    guid: string,
    skills: 'all' | string[],
    signal: AbortSignal,
  ): Promise<void> {
    const auto = skills === 'all';
    const query = auto ? '' : `?skillid=${encodeURIComponent(skills.join(';'))}`;
    const answer = await this.http.call(
      {
        method: 'POST',
        path: `/onlineagent/${encodeURIComponent(agentId)}/resetskill/${auto}${query}`,
        template: '/onlineagent/{agentid}/resetskill/{autoflag}',
        operation: 'resetSkill',
        guid,
        body: {},
      },
      signal,
    );
    readResult(answer.reply, 'resetSkill');
  }

  /** One event poll (poll mode), held by the gateway up to ~10 s; it is also the heartbeat. */
  async poll(agentId: string, guid: string, signal: AbortSignal): Promise<Polled> {
    const answer = await this.http.call(
      {
        method: 'GET',
        path: `/agentevent/${encodeURIComponent(agentId)}`,
        template: '/agentevent/{agentid}',
        operation: 'getAgentEvent',
        guid,
        timeoutMs: pollTimeoutMs,
      },
      signal,
    );
    readResult(answer.reply, 'getAgentEvent');
    return { event: answer.reply.event ?? null, newGuid: answer.setGuid };
  }

  /** The push-mode heartbeat, about every 30 s; returns a rotated GUID, if any. */
  async handshake(
    agentId: string,
    guid: string,
    serviceToken: string,
    signal: AbortSignal,
  ): Promise<string | null> {
    const answer = await this.http.call(
      {
        method: 'POST',
        path: `/onlineagent/${encodeURIComponent(agentId)}/handshake`,
        template: '/onlineagent/{agentid}/handshake',
        operation: 'handShake',
        guid,
        serviceToken,
        body: {},
      },
      signal,
    );
    readResult(answer.reply, 'handShake');
    return answer.setGuid;
  }

  /** Ready, not ready (busy) or rest [G: the state URIs, see docs/protocols/huawei-cc-gateway.md §10]. */
  async setState(
    agentId: string,
    guid: string,
    state: 'ready' | 'busy' | 'rest',
    signal: AbortSignal,
  ): Promise<void> {
    const action = { ready: 'sayfree', busy: 'saybusy', rest: 'rest' }[state];
    const answer = await this.http.call(
      {
        method: 'POST',
        path: `/onlineagent/${encodeURIComponent(agentId)}/${action}`,
        template: `/onlineagent/{agentid}/${action}`,
        operation: action,
        guid,
        body: {},
      },
      signal,
    );
    readResult(answer.reply, action);
  }

  /** Sign-out; refused in a call (AgentInCall); an agent signed out already counts as done. */
  async signOut(agentId: string, guid: string, signal: AbortSignal): Promise<void> {
    const answer = await this.http.call(
      {
        method: 'DELETE',
        path: `/onlineagent/${encodeURIComponent(agentId)}/logout`,
        template: '/onlineagent/{agentid}/logout',
        operation: 'logout',
        guid,
      },
      signal,
    );
    // Signed out already (by the reaper, an inspector): what the caller asked for.
    if (answer.reply.retcode === retcode.alreadySignedOut || answer.reply.retcode === retcode.notSignedIn)
      return;
    readResult(answer.reply, 'logout');
  }
}
