import { defineTrigger } from '../../../sdk/index.js';
import { applicationCreated } from '../fixtures/events.js';
import { leverWebhook } from '../webhooks.js';

export const applicationCreatedTrigger = defineTrigger({
  type: 'LEVER_TRIGGER_APPLICATION_CREATED',
  title: 'Application created',
  description: 'Fires when a candidate application is created in Lever (webhook event `applicationCreated`). Delivers `{id, event, triggeredAt, data}` with the opportunity, contact and application ids in `data`.',
  parameters: [],
  examplePayload: applicationCreated,
  docsUrl: 'https://hire.lever.co/developer/documentation#webhooks',
  source: leverWebhook({ event: 'applicationCreated' }),
});
