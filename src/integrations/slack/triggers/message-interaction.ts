// A user interacted with the app: a button or menu in a message (block_actions), a global or message
// shortcut, a modal submission. The payload is Slack's parsed interaction `payload`, `type` says which.
import { defineTrigger } from '../../../sdk/index.js';
import { INTERACTION_PREFIX, SLACK_REDELIVERY_DAYS } from '../events.js';
import payload from '../fixtures/interaction-block-actions.json' with { type: 'json' };

export const messageInteraction = defineTrigger({
  type: 'SLACK_TRIGGER_MESSAGE_INTERACTION',
  title: 'Message Interaction',
  description:
    'Trigger when a user interacts with the app: message buttons and menus (block_actions), global and message shortcuts, ' +
    'and modal submissions. Needs Interactivity turned on with the same Request URL.',
  parameters: [],
  examplePayload: payload,
  docsUrl: 'https://docs.slack.dev/interactivity/handling-user-interaction',
  source: {
    kind: 'appWebhook',
    redeliveryDays: SLACK_REDELIVERY_DAYS,
    match(event) {
      if (!event.eventType.startsWith(INTERACTION_PREFIX)) return [];
      return [{ key: event.deliveryId, payload: event.event }];
    },
  },
});
