import subscribe from '../fixtures/subscribe.json' with { type: 'json' };
import { ALL_EVENTS } from '../webhooks.js';
import { audienceTrigger } from './factory.js';

// Paragon's name and parameter (https://docs.useparagon.com/actionkit/integrations/mailchimp/triggers/MAILCHIMP_TRIGGER_LIST.md).
// Paragon's page names no event; here it is every event of the audience's webhook.
export const listTrigger = audienceTrigger({
  type: 'MAILCHIMP_TRIGGER_LIST',
  title: 'Audience activity',
  description:
    'Fires on every event of an audience (list) webhook: subscribe, unsubscribe, profile, cleaned, upemail (email changed) and campaign (sending status). Delivers the webhook body as an object: `{type, fired_at, data}`.',
  events: ALL_EVENTS,
  examplePayload: subscribe,
});
