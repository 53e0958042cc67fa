import example from '../fixtures/contact-unsubscribed.json' with { type: 'json' };
import { brevoTrigger } from './factory.js';

export const contactUnsubscribedTrigger = brevoTrigger({
  type: 'BREVO_TRIGGER_CONTACT_UNSUBSCRIBED',
  spec: { type: 'marketing', register: 'unsubscribed', payloadEvents: ['unsubscribe', 'unsubscribed'] },
  title: 'Contact unsubscribed',
  description:
    "Fires when a recipient unsubscribes from a marketing email campaign (marketing webhook event `unsubscribed`, sent as `unsubscribe`). Delivers Brevo's call: `email`, `camp_id`, `campaign name`, `list_id`, `ts_event`.",
  parameters: [],
  example,
});
