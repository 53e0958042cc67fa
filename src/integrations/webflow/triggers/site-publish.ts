import { defineTrigger } from '../../../sdk/index.js';
import sitePublish from '../fixtures/site-publish.json' with { type: 'json' };
import { webflowWebhook, type WebflowParams } from '../webhooks.js';
import { siteIdParameter } from './params.js';

export const sitePublishTrigger = defineTrigger<WebflowParams>({
  type: 'WEBFLOW_TRIGGER_SITE_PUBLISHED',
  title: 'Site published',
  description:
    'Fires when the site is published (Webflow `site_publish`). Delivers the webhook body: `{triggerType, payload: {siteId, publishedOn, domains, publishedBy}}`.',
  parameters: [siteIdParameter],
  examplePayload: sitePublish,
  docsUrl: 'https://developers.webflow.com/data/reference/webhooks/events/site-publish',
  source: webflowWebhook('site_publish'),
});
