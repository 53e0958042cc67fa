import { mailingDelivered } from '../fixtures/events.js';
import { attributeText, outreachId, timeOf } from '../webhooks.js';
import { outreachTrigger } from './factory.js';

export const emailDeliveredTrigger = outreachTrigger({
  type: 'OUTREACH_TRIGGER_EMAIL_DELIVERED',
  title: 'Email delivered',
  description: 'Fires when an Outreach mailing (an email to a prospect) is delivered (webhook `mailing` / `delivered`). Delivers the JSON:API document; `data` is the Mailing, with its prospect and sequence relationships.',
  examplePayload: mailingDelivered,
  spec: {
    resource: 'mailing',
    action: 'delivered',
    // A mailing is delivered once.
    key: (d) => outreachId(d.data.id),
    occurredAt: (d) => timeOf(attributeText(d, 'deliveredAt')),
  },
});
