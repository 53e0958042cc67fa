import { defineTrigger } from '../../../sdk/index.js';
import opportunity from '../fixtures/opportunity.json' with { type: 'json' };
import { pollRecords, type SalesforceParams } from '../records.js';
import { filterFormulaParameter, recordTypeParameter } from './params.js';

export const recordCreated = defineTrigger<SalesforceParams>({
  type: 'SALESFORCE_TRIGGER_RECORD_CREATED',
  title: 'New record',
  description:
    'Fires once for each new record of an object (standard or custom). Polls SOQL on the org\'s instance URL ordered by CreatedDate, then Id.',
  parameters: [recordTypeParameter, filterFormulaParameter],
  examplePayload: opportunity,
  docsUrl: 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm',
  source: {
    kind: 'poll',
    poll: (ctx) => pollRecords(ctx, 'CreatedDate', (r, at) => ({ key: r.Id, payload: r, occurredAt: at })),
  },
});
