import { defineTrigger } from '../../../sdk/index.js';
import lead from '../fixtures/lead.json' with { type: 'json' };
import { pollRows, rowTime, type DynamicsParams } from '../records.js';
import { recordTypeParameter, recordsFilterFormulaParameter } from './params.js';

export const recordUpdated = defineTrigger<DynamicsParams>({
  type: 'MICROSOFT_DYNAMICS_TRIGGER_RECORD_UPDATED',
  title: 'Record updated',
  description:
    'Fires for each new version of a row of a table (lead, contact, account, opportunity): a user, a flow or an ' +
    'integration modified it. The creation itself is not an update. Polls the Dataverse Web API ordered by modifiedon.',
  parameters: [recordTypeParameter, recordsFilterFormulaParameter],
  examplePayload: lead,
  docsUrl: 'https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollRows(ctx, 'modifiedon', (r, id) => {
        const modified = rowTime(r, 'modifiedon');
        if (!Number.isFinite(modified) || modified === rowTime(r, 'createdon')) return null;
        // The row version rises with every update, also two in one second; modifiedon (to the second) otherwise.
        const v = r.versionnumber;
        const version = typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? `v${v}` : String(modified);
        return { key: `${id}:${version}`, payload: r, occurredAt: modified };
      }),
  },
});
