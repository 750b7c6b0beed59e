// The chaos soak's audit of one agent presence: what the gateway issued against what the webhook got.
import assert from 'node:assert/strict';
import type { WebhookBody } from '../../src/activities';
import type { BridgeEvent } from '../../src/shared/events';
import { auditPresence } from '../../chaos/presences/presence-audit';

const delivery = (index: number, event: BridgeEvent, key = `k${index}`) => ({
  key,
  body: {
    sessionId: 'agent:chaos:1',
    customerId: '1',
    event: { id: `e${index}`, index, event },
  } as WebhookBody,
});
const agentEvent = (eventType: string): BridgeEvent => ({ kind: 'agentEvent', eventType });
const signedIn = (healed: boolean): BridgeEvent => ({
  kind: 'agentSignedIn',
  agentId: '1',
  skills: ['11'],
  mode: 'push',
  forced: false,
  healed,
});
const issued = (...types: string[]) => types.map((eventType) => ({ eventType }));

describe('chaos presence audit', () => {
  it('a failover healed, every event once in order, the own sign-out not relayed: clean', () => {
    const audit = auditPresence(
      issued(
        'AgentOther_InService',
        'AgentState_Ready',
        'AgentOther_ShutdownService',
        'AgentOther_InService',
        'AgentState_Ready',
        'AgentOther_ShutdownService',
      ),
      [256, 258],
      [
        delivery(0, signedIn(false)),
        delivery(1, agentEvent('AgentOther_InService')),
        delivery(2, agentEvent('AgentState_Ready')),
        delivery(2, agentEvent('AgentState_Ready')), // a retry: same key, same body
        delivery(3, agentEvent('AgentOther_ShutdownService')),
        delivery(4, { kind: 'agentSignedOut', agentId: '1', reason: '100-006' }),
        delivery(5, signedIn(true)),
        delivery(6, agentEvent('AgentOther_InService')),
        delivery(7, agentEvent('AgentState_Ready')),
      ],
    );
    assert.deepEqual(
      { lost: audit.lost, duplicated: audit.duplicated, outOfOrder: audit.outOfOrder, healed: audit.healed },
      { lost: 0, duplicated: 0, outOfOrder: 0, healed: 1 },
    );
    assert.equal(audit.gatewaySignOuts, 1);
    assert.deepEqual(audit.problems, []);
  });

  it('the ShutdownService of the own sign-out relayed before the presence ended: clean too', () => {
    const audit = auditPresence(
      issued('AgentOther_InService', 'AgentOther_ShutdownService'),
      [258],
      [
        delivery(0, signedIn(false)),
        delivery(1, agentEvent('AgentOther_InService')),
        delivery(2, agentEvent('AgentOther_ShutdownService')),
      ],
    );
    assert.deepEqual([audit.lost, audit.duplicated, audit.issued], [0, 0, 2]);
  });

  it('counts a lost event, one relayed twice under two keys, a gap in the indexes and an unhealed sign-out', () => {
    const audit = auditPresence(
      issued('AgentOther_InService', 'AgentState_Ready', 'AgentEvent_Ringing'),
      [260],
      [
        delivery(0, signedIn(false)),
        delivery(1, agentEvent('AgentOther_InService')),
        delivery(1, agentEvent('AgentOther_InService'), 'other-key'),
        delivery(3, agentEvent('AgentEvent_Ringing')),
      ],
    );
    assert.equal(audit.lost, 1, 'AgentState_Ready never arrived');
    assert.equal(audit.duplicated, 1, 'index 1 under two keys');
    assert.equal(audit.outOfOrder, 1, 'index 2 missing');
    assert.equal(audit.gatewaySignOuts, 1);
    assert.equal(audit.healed, 0);
    assert.equal(audit.problems.length, 4);
  });
});
