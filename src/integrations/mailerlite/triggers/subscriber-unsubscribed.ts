import { defineTrigger } from '../../../sdk/index.js';
import { subscriberUnsubscribed } from '../fixtures/events.js';
import { idOf, mailerliteWebhook, timeOf, type MailerLiteParams } from '../webhooks.js';

export const subscriberUnsubscribedTrigger = defineTrigger<MailerLiteParams>({
  type: 'MAILERLITE_TRIGGER_SUBSCRIBER_UNSUBSCRIBED',
  title: 'Subscriber unsubscribed',
  description: 'Fires when a subscriber becomes unsubscribed in MailerLite (webhook event `subscriber.unsubscribed`). Delivers the subscriber (`status: "unsubscribed"`, `unsubscribed_at`) with `event` and `account_id`.',
  parameters: [],
  examplePayload: subscriberUnsubscribed,
  docsUrl: 'https://developers.mailerlite.com/docs/webhooks',
  source: mailerliteWebhook({
    event: 'subscriber.unsubscribed',
    // One subscriber may unsubscribe, come back and unsubscribe again: id and the time of this unsubscription.
    itemOf(body) {
      const id = idOf(body.id);
      const at = typeof body.unsubscribed_at === 'string' && body.unsubscribed_at !== '' ? body.unsubscribed_at : typeof body.updated_at === 'string' ? body.updated_at : '';
      return id ? { key: `${id}:${at}`, occurredAt: timeOf(at) } : null;
    },
  }),
});
