import { defineTrigger } from '../../../sdk/index.js';
import lead from '../fixtures/lead.json' with { type: 'json' };
import { pollRows, rowTime, type DynamicsParams } from '../records.js';
import { recordTypeParameter, recordsFilterFormulaParameter } from './params.js';

export const recordCreated = defineTrigger<DynamicsParams>({
  type: 'MICROSOFT_DYNAMICS_TRIGGER_RECORD_CREATED',
  title: 'New record',
  description:
    'Fires once for each new row of a table (lead, contact, account, opportunity). Polls the Dataverse Web API on the ' +
    'organization URL, ordered by createdon, then the row id.',
  parameters: [recordTypeParameter, recordsFilterFormulaParameter],
  examplePayload: lead,
  docsUrl: 'https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/overview',
  source: {
    kind: 'poll',
    poll: (ctx) => pollRows(ctx, 'createdon', (r, id) => ({ key: id, payload: r, occurredAt: rowTime(r, 'createdon') })),
  },
});
