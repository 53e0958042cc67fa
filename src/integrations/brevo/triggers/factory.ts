import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { brevoWebhook, type BrevoEventSpec, type BrevoParams } from '../webhooks.js';

export const tagParameter: ParameterDefinition = {
  id: 'tag',
  title: 'Tag',
  type: 'TEXT',
  required: false,
  description: 'Only messages sent with this tag (exact match; the `tags` of the transactional email). Empty: every transactional email of the account.',
  placeholder: 'order-confirmation',
  validate: (value) => (typeof value === 'string' && value.length >= 1 && value.length <= 255 ? null : 'must be a Brevo tag (1 to 255 characters)'),
};

export const listIdParameter: ParameterDefinition = {
  id: 'listId',
  title: 'List ID',
  type: 'TEXT',
  required: false,
  description: 'Only additions to this contact list (its numeric id, shown in Contacts → Lists). Empty: every list.',
  placeholder: '11',
  validate: (value) => (typeof value === 'string' && /^[1-9][0-9]{0,11}$/.test(value) ? null : 'must be a Brevo list id (a positive integer)'),
};

const DOCS = {
  transactional: 'https://developers.brevo.com/docs/transactional-webhooks',
  marketing: 'https://developers.brevo.com/docs/marketing-webhooks',
};

/** One Brevo trigger: its own webhook carrying only `spec.register`, calls filtered again on our side. */
export function brevoTrigger(opts: {
  type: string;
  spec: BrevoEventSpec;
  title: string;
  description: string;
  parameters: ParameterDefinition[];
  example: unknown;
}) {
  return defineTrigger<BrevoParams>({
    type: opts.type,
    title: opts.title,
    description: opts.description,
    parameters: opts.parameters,
    examplePayload: opts.example,
    docsUrl: DOCS[opts.spec.type],
    source: brevoWebhook(opts.type, opts.spec),
  });
}
