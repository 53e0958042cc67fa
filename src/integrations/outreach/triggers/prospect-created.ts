import { prospectCreated } from '../fixtures/events.js';
import { attributeText, outreachId, timeOf } from '../webhooks.js';
import { outreachTrigger } from './factory.js';

export const prospectCreatedTrigger = outreachTrigger({
  type: 'OUTREACH_TRIGGER_PROSPECT_CREATED',
  title: 'Prospect created',
  description: 'Fires when a prospect is created in Outreach (webhook `prospect` / `created`). Delivers the JSON:API document: `data` is the Prospect with its created attributes, `meta.eventName` is `prospect.created`.',
  examplePayload: prospectCreated,
  spec: {
    resource: 'prospect',
    action: 'created',
    key: (d) => outreachId(d.data.id),
    occurredAt: (d) => timeOf(attributeText(d, 'createdAt')),
  },
});
