import { defineTrigger } from '../../../sdk/index.js';
import opportunity from '../fixtures/opportunity.json' with { type: 'json' };
import { pollRecords, recordTime, type SalesforceParams } from '../records.js';
import { filterFormulaParameter, recordTypeParameter } from './params.js';

export const recordUpdated = defineTrigger<SalesforceParams>({
  type: 'SALESFORCE_TRIGGER_RECORD_UPDATED',
  title: 'Record updated',
  description:
    'Fires for each new version of a record of an object (its SystemModstamp changed: a user, a flow or an integration ' +
    'modified it). The creation itself is not an update. Polls SOQL ordered by SystemModstamp, then Id.',
  parameters: [recordTypeParameter, filterFormulaParameter],
  examplePayload: opportunity,
  docsUrl: 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollRecords(ctx, 'SystemModstamp', (r, at) => {
        if (at === recordTime(r, 'CreatedDate')) return null;
        return { key: `${r.Id}:${r.SystemModstamp}`, payload: r, occurredAt: at };
      }),
  },
});
