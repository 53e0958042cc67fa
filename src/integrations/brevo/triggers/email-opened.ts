import example from '../fixtures/email-opened.json' with { type: 'json' };
import { brevoTrigger, tagParameter } from './factory.js';

export const emailOpenedTrigger = brevoTrigger({
  type: 'BREVO_TRIGGER_EMAIL_OPENED',
  spec: { type: 'transactional', register: 'opened', payloadEvents: ['opened'] },
  title: 'Transactional email opened',
  description:
    "Fires each time a recipient opens a transactional email (transactional webhook event `opened`; open tracking counts the pixel, so mail-privacy proxies may open too); optionally only messages with one tag. Delivers Brevo's call: `email`, `message-id`, `subject`, `tags`, `ts_event`.",
  parameters: [tagParameter],
  example,
});
