import { defineTrigger } from '../../../sdk/index.js';
import contact from '../fixtures/contact.json' with { type: 'json' };
import { pollRecords, recordTime, timestampProperty } from '../search.js';
import { recordTypeParameter } from './params.js';

export const recordUpdated = defineTrigger<{ recordType: string }>({
  type: 'HUBSPOT_RECORD_UPDATED',
  title: 'Record updated',
  description:
    'Fires for each new version of a CRM record of a type (its last-modified date changed). The creation itself is not ' +
    'an update, but HubSpot often sets calculated properties moments after a record is created, which is one.',
  parameters: [recordTypeParameter],
  examplePayload: contact,
  docsUrl: 'https://developers.hubspot.com/docs/api-reference/search/guide',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollRecords(ctx, 'modified', (r, at) => {
        if (at === recordTime(r, timestampProperty(ctx.params.recordType, 'created'), 'createdAt')) return null;
        return { key: `${r.id}:${at}`, payload: r, occurredAt: at };
      }),
  },
});
