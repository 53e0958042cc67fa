import { defineTrigger } from '../../../sdk/index.js';
import lead from '../fixtures/lead.json' with { type: 'json' };
import { pollRecords, recordTime, type ZohoParams } from '../records.js';
import { recordTypeParameter, recordsFilterFormulaParameter } from './params.js';

export const recordUpdated = defineTrigger<ZohoParams>({
  type: 'ZOHO_CRM_TRIGGER_RECORD_UPDATED',
  title: 'Record updated',
  description:
    'Fires for each new version of a record of a module (its Modified_Time changed: a user, a workflow or an integration ' +
    'edited it). The creation itself is not an update. Polls the Get Records API by Modified_Time.',
  parameters: [recordTypeParameter, recordsFilterFormulaParameter],
  examplePayload: lead,
  docsUrl: 'https://www.zoho.com/crm/developer/docs/api/v2/get-records.html',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollRecords(ctx, (r) => {
        const modified = recordTime(r, 'Modified_Time');
        if (!Number.isFinite(modified) || modified === recordTime(r, 'Created_Time')) return null;
        // Epoch ms, not Zoho's string: the string's offset follows the user's time zone setting, the instant does not.
        return { key: `${r.id}:${modified}`, payload: r, occurredAt: modified };
      }),
  },
});
