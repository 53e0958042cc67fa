import { defineTrigger } from '../../../sdk/index.js';
import contact from '../fixtures/contact.json' with { type: 'json' };
import { pollRecords } from '../search.js';
import { recordTypeParameter } from './params.js';

export const recordCreated = defineTrigger<{ recordType: string }>({
  type: 'HUBSPOT_RECORD_CREATED',
  title: 'Record created',
  description: 'Fires once for each new CRM record of a type (contacts, companies, deals, tickets or a custom object). Polls the CRM search API by creation date.',
  parameters: [recordTypeParameter],
  examplePayload: contact,
  docsUrl: 'https://developers.hubspot.com/docs/api-reference/search/guide',
  source: {
    kind: 'poll',
    poll: (ctx) => pollRecords(ctx, 'created', (r, at) => ({ key: r.id, payload: r, occurredAt: at })),
  },
});
