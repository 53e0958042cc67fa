// The app's bot user was @-mentioned in a channel (app_mention). Mentions in DMs are not sent as
// app_mention by Slack; use SLACK_TRIGGER_DIRECT_MESSAGE_POSTED for those.
import { defineTrigger } from '../../../sdk/index.js';
import { SLACK_REDELIVERY_DAYS, slackTsToMs } from '../events.js';
import event from '../fixtures/event-app-mention.json' with { type: 'json' };

export const appMentioned = defineTrigger({
  type: 'SLACK_TRIGGER_APP_MENTIONED',
  title: 'App Mentioned',
  description: 'Trigger when your application is mentioned in a message in Slack.',
  parameters: [
    {
      id: 'appMentionedFilter',
      title: 'Filter',
      type: 'CONDITIONAL',
      required: false,
      description: 'Only mentions that match these conditions, e.g. field "user" or "channel" with $stringExactlyMatches.',
    },
  ],
  examplePayload: event,
  docsUrl: 'https://docs.slack.dev/reference/events/app_mention',
  source: {
    kind: 'appWebhook',
    redeliveryDays: SLACK_REDELIVERY_DAYS,
    match(event) {
      if (event.eventType !== 'app_mention') return [];
      const occurredAt = slackTsToMs((event.event as { ts?: unknown }).ts);
      return [{ key: event.deliveryId, payload: event.event, ...(occurredAt !== undefined ? { occurredAt } : {}) }];
    },
  },
});
