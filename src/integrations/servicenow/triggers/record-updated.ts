import { defineTrigger } from '../../../sdk/index.js';
import incident from '../fixtures/incident.json' with { type: 'json' };
import { parseGlideTime, pollRecords, type ServiceNowParams } from '../api.js';
import { tableParameter } from './params.js';

export const recordUpdated = defineTrigger<ServiceNowParams>({
  type: 'SERVICENOW_TRIGGER_RECORD_UPDATED',
  title: 'Record updated',
  description:
    'Fires for each new version of a record of a table (its sys_mod_count went up: a user, a business rule or an ' +
    'integration updated it). The creation itself is not an update. Polls the Table API by sys_updated_on.',
  parameters: [tableParameter],
  examplePayload: incident,
  docsUrl: 'https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollRecords(ctx, (r) => {
        const version = r.sys_mod_count;
        // sys_mod_count 0 is the creation; a record without a counter cannot be versioned safely.
        if (typeof version !== 'string' || !/^\d+$/.test(version) || version === '0') return null;
        return { key: `${r.sys_id}:${version}`, payload: r, occurredAt: parseGlideTime(r.sys_updated_on) };
      }),
  },
});
