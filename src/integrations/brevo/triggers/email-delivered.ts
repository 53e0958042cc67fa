import example from '../fixtures/email-delivered.json' with { type: 'json' };
import { brevoTrigger, tagParameter } from './factory.js';

export const emailDeliveredTrigger = brevoTrigger({
  type: 'BREVO_TRIGGER_EMAIL_DELIVERED',
  spec: { type: 'transactional', register: 'delivered', payloadEvents: ['delivered'] },
  title: 'Transactional email delivered',
  description:
    "Fires when a transactional email reaches the recipient's mail server (transactional webhook event `delivered`), once per message; optionally only messages with one tag. Delivers Brevo's call: `email`, `message-id`, `subject`, `template_id`, `tags`, `ts_event`, `sending_ip`, `contact_id`.",
  parameters: [tagParameter],
  example,
});
