import { defineTrigger } from '../../../sdk/index.js';
import { subscriberCreated } from '../fixtures/events.js';
import { idOf, mailerliteWebhook, timeOf, type MailerLiteParams } from '../webhooks.js';

export const subscriberCreatedTrigger = defineTrigger<MailerLiteParams>({
  type: 'MAILERLITE_TRIGGER_SUBSCRIBER_CREATED',
  title: 'Subscriber created',
  description: 'Fires when a new subscriber is added to the MailerLite account (webhook event `subscriber.created`). Delivers the subscriber with `event` and `account_id`.',
  parameters: [],
  examplePayload: subscriberCreated,
  docsUrl: 'https://developers.mailerlite.com/docs/webhooks',
  source: mailerliteWebhook({
    event: 'subscriber.created',
    // A subscriber is created once: its id.
    itemOf(body) {
      const id = idOf(body.id);
      return id ? { key: id, occurredAt: timeOf(body.created_at) } : null;
    },
  }),
});
