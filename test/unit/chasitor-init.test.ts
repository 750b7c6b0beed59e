// Pre-chat details and entities are checked against the documented shapes before any vendor request.
import assert from 'node:assert/strict';
import {
  buildChasitorInit,
  chasitorInitProblem,
} from '../../src/providers/salesforce-live-agent/chasitor-init';
import type { LiveAgentConfig } from '../../src/providers/salesforce-live-agent/config';

const config = { organizationId: 'org', deploymentId: 'dep', buttonId: 'btn' } as LiveAgentConfig;
const init = (providerOptions: Record<string, unknown>) =>
  buildChasitorInit(config, 'sid', { customerId: 'c', visitorName: 'V', providerOptions });

describe('ChasitorInit pre-chat validation', () => {
  it('accepts documented pre-chat details and entities', () => {
    assert.equal(
      chasitorInitProblem(
        init({
          prechatDetails: [
            { label: 'Email', value: 'a@b.c', transcriptFields: ['Email__c'], displayToAgent: true },
          ],
          prechatEntities: [
            {
              entityName: 'Contact',
              saveToTranscript: 'Contact',
              entityFieldsMaps: [
                { fieldName: 'Email', label: 'Email', doFind: true, isExactMatch: true, doCreate: false },
              ],
            },
          ],
        }),
      ),
      null,
    );
  });

  it('names what is missing or mistyped', () => {
    assert.match(
      chasitorInitProblem(init({ prechatDetails: [{ label: 'Email' }] })) ?? '',
      /prechatDetails\.0\.value/,
    );
    assert.match(chasitorInitProblem(init({ prechatDetails: 'Email=a@b.c' })) ?? '', /prechatDetails/);
    assert.match(
      chasitorInitProblem(init({ prechatEntities: [{ entityFieldsMaps: [{ fieldName: 'Email' }] }] })) ?? '',
      /prechatEntities\.0\.entityName/,
    );
    assert.match(
      chasitorInitProblem(init({ prechatDetails: [{ label: 'x', value: 'y', displayToAgent: 'yes' }] })) ??
        '',
      /displayToAgent/,
    );
  });
});
