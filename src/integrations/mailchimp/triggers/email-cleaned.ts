import cleaned from '../fixtures/cleaned.json' with { type: 'json' };
import { audienceTrigger } from './factory.js';

export const emailCleanedTrigger = audienceTrigger({
  type: 'MAILCHIMP_TRIGGER_EMAIL_CLEANED',
  title: 'Email cleaned',
  description:
    'Fires when Mailchimp cleans an address from the audience after hard bounces or an abuse report (webhook event `cleaned`; `data.reason` is `hard` or `abuse`). Delivers `{type: "cleaned", fired_at, data: {list_id, campaign_id, reason, email}}`.',
  events: ['cleaned'],
  examplePayload: cleaned,
});
