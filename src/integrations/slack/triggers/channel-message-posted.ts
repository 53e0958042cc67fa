// New message in a public or private channel the app is a member of (message.channels / message.groups).
import envelope from '../fixtures/envelope-message-channels.json' with { type: 'json' };
import { messageTrigger } from './messages.js';

export const channelMessagePosted = messageTrigger({
  type: 'SLACK_TRIGGER_CHANNEL_MESSAGE_POSTED',
  title: 'Channel Message Sent',
  description:
    'Trigger when a message is posted in a public or private channel the app is a member of. Edits, deletions, ' +
    'bot messages and system notices are left out unless enabled.',
  channelTypes: ['channel', 'group'],
  channelFilter: true,
  examplePayload: envelope.event,
  docsUrl: 'https://docs.slack.dev/reference/events/message.channels',
});
