// A channel was created in the workspace (channel_created).
import { defineTrigger } from '../../../sdk/index.js';
import { SLACK_REDELIVERY_DAYS } from '../events.js';
import event from '../fixtures/event-channel-created.json' with { type: 'json' };

export const channelCreated = defineTrigger({
  type: 'SLACK_TRIGGER_CHANNEL_CREATED',
  title: 'Channel Created',
  description: 'Trigger when a public channel is created in the workspace.',
  parameters: [],
  examplePayload: event,
  docsUrl: 'https://docs.slack.dev/reference/events/channel_created',
  source: {
    kind: 'appWebhook',
    redeliveryDays: SLACK_REDELIVERY_DAYS,
    match(event) {
      if (event.eventType !== 'channel_created') return [];
      return [{ key: event.deliveryId, payload: event.event }];
    },
  },
});
