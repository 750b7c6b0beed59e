// Typed helpers for agent presences (Huawei CC-Gateway, docs/agent-presence.md): sign an agent in and
// keep it signed in (start), set its state, sign it out, read its state. One workflow per agent, by
// business key `agent:<gateway>:<agentId>`; starting twice returns the running presence.
import {
  WorkflowIdConflictPolicy,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { z } from 'zod';
import { presenceOptionsSchema } from '../providers/huawei-cc-gateway/presence-options';
import {
  agentPresenceWorkflowType,
  endChatUpdate,
  setAgentStateUpdate,
  stateQuery,
  type ChatSessionWorkflow,
} from '../shared/definitions';
import type {
  AgentCommandState,
  PresenceView,
  SessionStateView,
  SessionTuning,
} from '../shared/session-types';
import { defaultTaskQueue } from '../shared/task-queue';
import { webhookUrlProblem } from '../shared/webhook-url';
import { callSession } from './chat-sessions';
import { ChatEndedError, InvalidInputError } from './errors';
import { parseOrThrow, startSessionSchema } from './input-schemas';

export interface AgentKey {
  /** Names the CC-Gateway (a tenant, a site): the same agent id on two gateways is two presences. */
  gateway: string;
  /** The agent's work number (workNo), 1 to 10 digits. */
  agentId: string;
}

const agentKeySchema = z.object({
  gateway: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
  agentId: z.string().regex(/^\d{1,10}$/, '1 to 10 digits'),
});

export function presenceWorkflowId(key: AgentKey): string {
  const { gateway, agentId } = parseOrThrow(agentKeySchema, key, 'agent key');
  return `agent:${gateway}:${agentId}`;
}

export type StartPresenceOptions = z.input<typeof presenceOptionsSchema> & {
  /** Where every agent event goes, signed, once and in order (as for chats). */
  webhookUrl: string;
  tuning?: Partial<SessionTuning>;
};

export class AgentPresences {
  constructor(
    private readonly client: Client,
    private readonly options: { taskQueue?: string; httpWebhookHosts?: readonly string[] } = {},
  ) {}

  /** Signs the agent in and keeps it signed in, or returns the running presence for the same key. */
  async startOrGet(
    key: AgentKey,
    options: StartPresenceOptions,
  ): Promise<WorkflowHandleWithFirstExecutionRunId<ChatSessionWorkflow>> {
    const workflowId = presenceWorkflowId(key);
    const { webhookUrl, tuning, ...presence } = options;
    const providerOptions = parseOrThrow(presenceOptionsSchema, presence, 'presence options');
    const urlProblem = webhookUrlProblem(webhookUrl, this.options.httpWebhookHosts);
    if (urlProblem)
      throw new InvalidInputError('presence options', [{ path: ['webhookUrl'], message: urlProblem }]);
    const input = parseOrThrow(
      startSessionSchema,
      {
        provider: 'huawei-cc-gateway',
        customerId: key.agentId,
        visitorName: key.agentId,
        webhookUrl,
        providerOptions,
        ...(tuning ? { tuning } : {}),
      },
      'presence input',
    );
    return this.client.workflow.start<ChatSessionWorkflow>(agentPresenceWorkflowType, {
      workflowId,
      taskQueue: this.options.taskQueue ?? defaultTaskQueue,
      args: [input as Parameters<ChatSessionWorkflow>[0]],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      staticSummary: `agent ${key.agentId} on ${key.gateway} (${providerOptions.mode} mode)`,
    });
  }

  handle(key: AgentKey | string): WorkflowHandle<ChatSessionWorkflow> {
    return this.client.workflow.getHandle(typeof key === 'string' ? key : presenceWorkflowId(key));
  }

  /** Ready, not ready or rest; resolves when the gateway accepted it. */
  async setState(key: AgentKey | string, state: AgentCommandState): Promise<{ acceptedAt: string }> {
    const valid = parseOrThrow(
      z.object({ state: z.enum(['ready', 'notReady', 'rest']) }).strict(),
      { state },
      'state',
    );
    return this.call(key, (h) => h.executeUpdate(setAgentStateUpdate, { args: [valid] }));
  }

  /**
   * Signs the agent out and ends the presence. While the agent is in a call the gateway refuses
   * (100-010): the sign-out is tried again until the call is released, and this resolves then.
   */
  async signOut(key: AgentKey | string): Promise<void> {
    try {
      await this.call(key, (h) => h.executeUpdate(endChatUpdate));
    } catch (err) {
      if (!(err instanceof ChatEndedError)) throw err;
    }
  }

  /** The presence's state: the agent's (state, skills, sign-ins and sign-outs) and the session's. */
  async state(key: AgentKey | string): Promise<SessionStateView & { presence?: PresenceView }> {
    return this.call(key, (h) => h.query(stateQuery));
  }

  private call<T>(
    key: AgentKey | string,
    fn: (handle: WorkflowHandle<ChatSessionWorkflow>) => Promise<T>,
  ): Promise<T> {
    return callSession(this.handle(key), fn);
  }
}
