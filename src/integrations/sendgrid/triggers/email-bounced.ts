import { sendgridTrigger } from './factory.js';

export const emailBouncedTrigger = sendgridTrigger(
  'SENDGRID_TRIGGER_EMAIL_BOUNCED',
  { flag: 'bounce', events: ['bounce'] },
  'Email bounced',
  'Fires when the receiving server rejects a message — SendGrid `bounce` event (`type` is `bounce` or `blocked`), with `reason` and `status`.',
);
