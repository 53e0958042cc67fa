import { sendgridTrigger } from './factory.js';

export const emailOpenedTrigger = sendgridTrigger(
  'SENDGRID_TRIGGER_EMAIL_OPENED',
  { flag: 'open', events: ['open'] },
  'Email opened',
  'Fires when a recipient opens a message (open tracking must be on) — SendGrid `open` event, with `useragent`, `ip` and `sg_machine_open`.',
);
