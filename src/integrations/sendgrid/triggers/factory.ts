import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import events from '../fixtures/events.json' with { type: 'json' };
import { sendgridWebhook, type SendGridEventSpec, type SendGridParams } from '../webhooks.js';

export const categoryParameter: ParameterDefinition = {
  id: 'category',
  title: 'Category',
  type: 'TEXT',
  required: false,
  description: 'Only events of messages sent with this category (exact match; a message may carry several). Empty: every message of the account.',
  placeholder: 'newsletter',
  validate: (value) => (typeof value === 'string' && value.length >= 1 && value.length <= 255 ? null : 'must be a SendGrid category (1 to 255 characters)'),
};

/** One SendGrid Event Webhook trigger: its own webhook with only `spec.flag` on, events filtered again on our side. */
export function sendgridTrigger(type: string, spec: SendGridEventSpec, title: string, description: string) {
  const example = events.find((e) => e.event === spec.events[0]) ?? events[0];
  return defineTrigger<SendGridParams>({
    type,
    title,
    description,
    parameters: [categoryParameter],
    examplePayload: example,
    docsUrl: 'https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/event',
    source: sendgridWebhook(type, spec),
  });
}
