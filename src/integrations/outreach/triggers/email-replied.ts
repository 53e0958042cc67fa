import { mailingReplied } from '../fixtures/events.js';
import { attributeText, outreachId, timeOf } from '../webhooks.js';
import { outreachTrigger } from './factory.js';

export const emailRepliedTrigger = outreachTrigger({
  type: 'OUTREACH_TRIGGER_EMAIL_REPLIED',
  title: 'Email replied',
  description: 'Fires when a prospect replies to an Outreach mailing (webhook `mailing` / `replied`). Delivers the JSON:API document; `data.attributes.repliedAt` is the reply time.',
  examplePayload: mailingReplied,
  spec: {
    resource: 'mailing',
    action: 'replied',
    // The mailing id and `repliedAt` (a later reply moves it); without `repliedAt`, the mailing id alone.
    key: (d) => {
      const id = outreachId(d.data.id);
      if (!id) return null;
      const at = attributeText(d, 'repliedAt');
      return at ? `${id}:${at}` : id;
    },
    occurredAt: (d) => timeOf(attributeText(d, 'repliedAt')),
  },
});
