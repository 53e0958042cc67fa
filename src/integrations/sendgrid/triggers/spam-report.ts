import { sendgridTrigger } from './factory.js';

export const spamReportTrigger = sendgridTrigger(
  'SENDGRID_TRIGGER_SPAM_REPORT',
  { flag: 'spam_report', events: ['spamreport'] },
  'Spam report',
  'Fires when a recipient marks a message as spam — SendGrid `spamreport` event.',
);
