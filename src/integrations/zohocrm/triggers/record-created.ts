import { defineTrigger } from '../../../sdk/index.js';
import lead from '../fixtures/lead.json' with { type: 'json' };
import { pollRecords, recordTime, type ZohoParams } from '../records.js';
import { recordTypeParameter, recordsFilterFormulaParameter } from './params.js';

export const recordCreated = defineTrigger<ZohoParams>({
  type: 'ZOHO_CRM_TRIGGER_RECORD_CREATED',
  title: 'New record',
  description:
    'Fires once for each new record of a module (Leads, Contacts, Accounts, Deals, Tasks) created after the subscription ' +
    'started. Polls the Get Records API by Modified_Time on the account\'s API domain.',
  parameters: [recordTypeParameter, recordsFilterFormulaParameter],
  examplePayload: lead,
  docsUrl: 'https://www.zoho.com/crm/developer/docs/api/v2/get-records.html',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollRecords(ctx, (r, cursor) => {
        const created = recordTime(r, 'Created_Time');
        if (!Number.isFinite(created) || created < cursor.since) return null;
        return { key: r.id, payload: r, occurredAt: created };
      }),
  },
});
