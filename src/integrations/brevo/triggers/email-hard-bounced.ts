import example from '../fixtures/email-hard-bounced.json' with { type: 'json' };
import { brevoTrigger, tagParameter } from './factory.js';

export const emailHardBouncedTrigger = brevoTrigger({
  type: 'BREVO_TRIGGER_EMAIL_HARD_BOUNCED',
  spec: { type: 'transactional', register: 'hardBounce', payloadEvents: ['hard_bounce', 'hardBounce'] },
  title: 'Transactional email hard bounced',
  description:
    "Fires when the recipient's mail server permanently rejects a transactional email (transactional webhook event `hardBounce`, sent as `hard_bounce`); optionally only messages with one tag. Delivers Brevo's call with the bounce `reason`, `email`, `message-id`, `subject` and `tags`.",
  parameters: [tagParameter],
  example,
});
