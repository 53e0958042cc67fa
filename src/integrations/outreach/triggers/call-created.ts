import { callCreated } from '../fixtures/events.js';
import { attributeText, outreachId, timeOf } from '../webhooks.js';
import { outreachTrigger } from './factory.js';

export const callCreatedTrigger = outreachTrigger({
  type: 'OUTREACH_TRIGGER_CALL_CREATED',
  title: 'Call logged',
  description: 'Fires when a call is created (logged) in Outreach (webhook `call` / `created`). Delivers the JSON:API document; `data` is the Call, with its prospect and user relationships.',
  examplePayload: callCreated,
  spec: {
    resource: 'call',
    action: 'created',
    key: (d) => outreachId(d.data.id),
    occurredAt: (d) => timeOf(attributeText(d, 'createdAt')),
  },
});
