import { sendgridTrigger } from './factory.js';

export const emailDeliveredTrigger = sendgridTrigger(
  'SENDGRID_TRIGGER_EMAIL_DELIVERED',
  { flag: 'delivered', events: ['delivered'] },
  'Email delivered',
  'Fires when the receiving server accepts a message — SendGrid `delivered` event. Delivers the Event Webhook event (email, timestamp, sg_message_id, response, category, custom arguments).',
);
