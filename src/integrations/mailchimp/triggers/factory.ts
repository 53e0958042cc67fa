import { defineTrigger } from '../../../sdk/index.js';
import { listIdParameter, mailchimpWebhook, type MailchimpEvent, type MailchimpParams } from '../webhooks.js';

export const WEBHOOKS_GUIDE = 'https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/';

/** One audience-webhook trigger: the events it registers for, and what it says about them. */
export function audienceTrigger(spec: { type: string; title: string; description: string; events: readonly MailchimpEvent[]; examplePayload: unknown }) {
  return defineTrigger<MailchimpParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [listIdParameter],
    examplePayload: spec.examplePayload,
    docsUrl: WEBHOOKS_GUIDE,
    source: mailchimpWebhook(spec.events),
  });
}
