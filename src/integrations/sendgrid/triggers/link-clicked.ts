import { sendgridTrigger } from './factory.js';

export const linkClickedTrigger = sendgridTrigger(
  'SENDGRID_TRIGGER_LINK_CLICKED',
  { flag: 'click', events: ['click'] },
  'Link clicked',
  'Fires when a recipient clicks a tracked link (click tracking must be on) — SendGrid `click` event, with the `url`.',
);
