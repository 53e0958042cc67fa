import subscribe from '../fixtures/subscribe.json' with { type: 'json' };
import { audienceTrigger } from './factory.js';

export const subscriberAddedTrigger = audienceTrigger({
  type: 'MAILCHIMP_TRIGGER_SUBSCRIBER_ADDED',
  title: 'Subscriber added',
  description:
    'Fires when someone subscribes to the audience (webhook event `subscribe`: signup form, import, API or a change by an admin). Delivers `{type: "subscribe", fired_at, data: {id, list_id, email, email_type, ip_opt, ip_signup, merges}}`.',
  events: ['subscribe'],
  examplePayload: subscribe,
});
