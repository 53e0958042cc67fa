import { defineTrigger } from '../../../sdk/index.js';
import incident from '../fixtures/incident.json' with { type: 'json' };
import { parseGlideTime, pollRecords, type ServiceNowParams } from '../api.js';
import { tableParameter } from './params.js';

export const recordCreated = defineTrigger<ServiceNowParams>({
  type: 'SERVICENOW_TRIGGER_RECORD_CREATED',
  title: 'Record created',
  description:
    'Fires once for each new record of a table (incident, problem, change_request, sc_req_item) created after the ' +
    'subscription started. Polls the Table API by sys_updated_on on the credential\'s instance.',
  parameters: [tableParameter],
  examplePayload: { ...incident, sys_updated_on: incident.sys_created_on, sys_mod_count: '0' },
  docsUrl: 'https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollRecords(ctx, (r, cursor) => {
        const created = parseGlideTime(r.sys_created_on);
        if (!Number.isFinite(created) || created < cursor.since) return null;
        return { key: r.sys_id, payload: r, occurredAt: created };
      }),
  },
});
