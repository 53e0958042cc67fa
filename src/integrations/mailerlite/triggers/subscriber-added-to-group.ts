import { defineTrigger, type ParameterDefinition } from '../../../sdk/index.js';
import { subscriberAddedToGroup } from '../fixtures/events.js';
import { idOf, mailerliteWebhook, objectOf, timeOf, type MailerLiteParams } from '../webhooks.js';

const groupIdParameter: ParameterDefinition = {
  id: 'groupId',
  title: 'Group ID',
  type: 'TEXT',
  required: false,
  description: 'Only additions to this MailerLite group — its id (digits, from GET /groups or the group URL). Empty: every group.',
  validate: (value) => (typeof value === 'string' && /^\d{1,30}$/.test(value) ? null : 'must be a MailerLite group id (digits)'),
};

export const subscriberAddedToGroupTrigger = defineTrigger<MailerLiteParams>({
  type: 'MAILERLITE_TRIGGER_SUBSCRIBER_ADDED_TO_GROUP',
  title: 'Subscriber added to group',
  description:
    'Fires when a subscriber is added to a MailerLite group (webhook event `subscriber.added_to_group`), optionally only for one group: MailerLite cannot filter a webhook by group, so other groups\' additions are acknowledged and dropped. Delivers `{type, subscriber, group, account_id}`.',
  parameters: [groupIdParameter],
  examplePayload: subscriberAddedToGroup,
  docsUrl: 'https://developers.mailerlite.com/docs/webhooks',
  source: mailerliteWebhook({
    event: 'subscriber.added_to_group',
    // No event id: subscriber, group and the subscriber's updated_at at the time of the addition.
    itemOf(body, params) {
      const subscriber = objectOf(body.subscriber);
      const group = objectOf(body.group);
      const subscriberId = idOf(subscriber?.id);
      const groupId = idOf(group?.id);
      if (!subscriberId || !groupId) return null;
      if (params.groupId && params.groupId !== groupId) return null;
      const version = typeof subscriber?.updated_at === 'string' ? subscriber.updated_at : '';
      return { key: `${subscriberId}:${groupId}:${version}`, occurredAt: timeOf(version) };
    },
  }),
});
