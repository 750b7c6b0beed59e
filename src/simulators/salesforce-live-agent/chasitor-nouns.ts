// The Chasitor POST resources (docs/protocols/salesforce-live-agent.md §1.3 rows 2, 4–10, 12): each one's body schema and its effect.
// Shared by the single-resource routes and System/MultiNoun.
import type { z } from 'zod';
import {
  chasitorInitBodySchema,
  chatEndBodySchema,
  chatMessageBodySchema,
  customEventBodySchema,
  idleTimeoutWarningBodySchema,
  resyncStateBodySchema,
  sneakPeekBodySchema,
  typingBodySchema,
} from '../../providers/salesforce-live-agent/wire-schemas';
import { accept } from './agent-actions';
import { emptyReply, jsonReply, textReply, type Reply } from './http-reply';
import { chatRequestSuccess } from './message-builders';
import type { SimSession } from './sim-session';
import type { SimulatorCore } from './simulator-core';

export interface NounContext {
  core: SimulatorCore;
  session: SimSession;
  /** The X-LIVEAGENT-SEQUENCE of the request (0 for ChasitorResyncState, which carries none). */
  sequence: number;
}

interface ChasitorNoun<S extends z.ZodType> {
  schema: S;
  /** ChasitorResyncState is the one Chasitor POST documented without X-LIVEAGENT-SEQUENCE. */
  sequenced: boolean;
  /** Everything but ChasitorInit needs an initialized chat. */
  needsInit: boolean;
  /** Returns the answer; `undefined` means the default accepted answer. */
  apply(ctx: NounContext, body: z.infer<S>): Reply | undefined;
}

const noun = <S extends z.ZodType>(definition: ChasitorNoun<S>): ChasitorNoun<S> => definition;

const idFields = ['organizationId', 'deploymentId', 'buttonId'] as const;

export const chasitorNouns = {
  ChasitorInit: noun({
    schema: chasitorInitBodySchema,
    sequenced: true,
    needsInit: false,
    apply({ core, session }, body) {
      const settings = core.settings;
      const wrong = idFields.find((field) => body[field] !== settings[field]);
      if (wrong) return textReply(400, `Unknown ${wrong} ${body[wrong]}`);
      if (body.sessionId !== session.id)
        return textReply(400, 'sessionId does not belong to this session key');
      if (session.initialized) return textReply(400, 'ChasitorInit was already received for this session');
      // [G] An empty override list names no button to route to; clients should leave the field out.
      if (body.buttonOverrides?.length === 0) return textReply(400, 'buttonOverrides is empty: leave it out');
      session.initialized = true;
      session.init = body;
      // The poll loop starts now; the expiry clock starts with it.
      session.lastPollEndedAt = core.now();
      session.enqueue('ChatRequestSuccess', chatRequestSuccess(session, settings.sessionTimeoutMs));
      core.emit('chasitorInit', session.id, body);
      const auto = settings.autoAccept;
      if (auto) {
        core.schedule(auto.delayMs, () => {
          if (session.closed || session.chatOver || session.agent) return;
          accept(core, session.id, { agentName: auto.agentName, agentId: auto.agentId });
        });
      }
      return textReply(200, 'OK');
    },
  }),
  ChatMessage: noun({
    schema: chatMessageBodySchema,
    sequenced: true,
    needsInit: true,
    apply({ core, session, sequence }, body) {
      const now = core.now();
      session.chasitorMessages.push({ text: body.text, sequence, receivedAt: now });
      session.addTranscript('Chasitor', session.init?.visitorName ?? '', body.text, now);
      core.counters.chasitorMessagesAccepted += 1;
      core.emit('chasitorMessage', session.id, body.text, sequence);
      return undefined;
    },
  }),
  ChasitorTyping: noun({
    schema: typingBodySchema,
    sequenced: true,
    needsInit: true,
    apply({ core, session }) {
      session.chasitorTyping = true;
      core.emit('chasitorTyping', session.id, true);
      return undefined;
    },
  }),
  ChasitorNotTyping: noun({
    schema: typingBodySchema,
    sequenced: true,
    needsInit: true,
    apply({ core, session }) {
      session.chasitorTyping = false;
      core.emit('chasitorTyping', session.id, false);
      return undefined;
    },
  }),
  ChasitorSneakPeek: noun({
    schema: sneakPeekBodySchema,
    sequenced: true,
    needsInit: true,
    apply({ core, session }, body) {
      session.lastSneakPeek = body.text;
      core.emit('chasitorSneakPeek', session.id, body.text);
      return undefined;
    },
  }),
  CustomEvent: noun({
    schema: customEventBodySchema,
    sequenced: true,
    needsInit: true,
    apply({ core, session, sequence }, body) {
      session.customEvents.push({ ...body, sequence });
      core.emit('chasitorCustomEvent', session.id, body.type, body.data);
      return undefined;
    },
  }),
  ChatEnd: noun({
    schema: chatEndBodySchema,
    sequenced: true,
    needsInit: true,
    apply({ core, session }) {
      core.closeSession(session, 'client');
      return jsonReply(200, { attachedRecords: [] });
    },
  }),
  ChasitorResyncState: noun({
    schema: resyncStateBodySchema,
    sequenced: false,
    needsInit: true,
    apply({ core, session }, body) {
      if (body.organizationId !== core.settings.organizationId) {
        return textReply(400, `Unknown organizationId ${body.organizationId}`);
      }
      if (session.replayUnserved && core.settings.strictResyncOrder) {
        core.counters.resyncsBeforeReplay += 1;
        return textReply(
          400,
          'ChasitorResyncState before the ChasitorSessionData of the reconnect was received: poll Messages and rebuild from it first',
        );
      }
      session.resyncs += 1;
      core.emit('resynced', session.id);
      return undefined;
    },
  }),
  ChasitorIdleTimeoutWarningEvent: noun({
    schema: idleTimeoutWarningBodySchema,
    sequenced: true,
    needsInit: true,
    apply: () => undefined,
  }),
} as const;

export type ChasitorNounName = keyof typeof chasitorNouns;

export function isChasitorNoun(name: string): name is ChasitorNounName {
  return Object.hasOwn(chasitorNouns, name);
}

/** Validate a body against its noun's schema (without applying it). */
export function parseNounBody(
  name: ChasitorNounName,
  body: unknown,
): { ok: true; body: unknown } | { ok: false; message: string } {
  const parsed = chasitorNouns[name].schema.safeParse(body);
  if (parsed.success) return { ok: true, body: parsed.data };
  return {
    ok: false,
    message: `Invalid ${name} body: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
  };
}

/** Apply an already validated body. */
export function applyNoun(name: ChasitorNounName, ctx: NounContext, body: unknown): Reply | undefined {
  const definition = chasitorNouns[name] as ChasitorNoun<z.ZodType>;
  return definition.apply(ctx, body);
}

/** The answer to an accepted POST that has no answer of its own. */
export function defaultAccepted(core: SimulatorCore, name: ChasitorNounName): Reply {
  return name === 'ChasitorInit' ? textReply(200, 'OK') : emptyReply(core.settings.postAcceptStatus);
}
