import { defineTrigger } from '../../../sdk/index.js';
import { subscriberSubscribedToForm } from '../fixtures/events.js';
import { KIT_WEBHOOKS_DOCS, kitWebhook, type KitParams } from '../webhooks.js';
import { formIdParameter } from './params.js';

export const formSubscribedTrigger = defineTrigger<KitParams>({
  type: 'KIT_TRIGGER_FORM_SUBSCRIBED',
  title: 'Subscriber joined a form',
  description:
    'Fires when a subscriber joins a form (`subscriber.subscribed_to_form`), optionally only one form. Delivers the event `{id, type, created, data: {subscriber, form}}`.',
  parameters: [formIdParameter],
  examplePayload: subscriberSubscribedToForm,
  docsUrl: KIT_WEBHOOKS_DOCS,
  source: kitWebhook('subscriber.subscribed_to_form', { param: 'formId', resource: 'form' }),
});
