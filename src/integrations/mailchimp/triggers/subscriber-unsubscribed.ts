import unsubscribe from '../fixtures/unsubscribe.json' with { type: 'json' };
import { audienceTrigger } from './factory.js';

export const subscriberUnsubscribedTrigger = audienceTrigger({
  type: 'MAILCHIMP_TRIGGER_SUBSCRIBER_UNSUBSCRIBED',
  title: 'Subscriber unsubscribed',
  description:
    'Fires when a member unsubscribes from the audience or is deleted from it (webhook event `unsubscribe`; `data.action` is `unsub` or `delete`). Delivers `{type: "unsubscribe", fired_at, data: {action, reason, id, list_id, email, campaign_id, merges, …}}`.',
  events: ['unsubscribe'],
  examplePayload: unsubscribe,
});
