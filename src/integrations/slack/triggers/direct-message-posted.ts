// New direct message to the app (message.im).
import event from '../fixtures/event-message-im.json' with { type: 'json' };
import { messageTrigger } from './messages.js';

export const directMessagePosted = messageTrigger({
  type: 'SLACK_TRIGGER_DIRECT_MESSAGE_POSTED',
  title: 'Direct Message Sent',
  description: 'Trigger when a direct message (DM) is posted in a conversation with the app. Bot messages and system notices are left out unless enabled.',
  channelTypes: ['im'],
  channelFilter: false,
  examplePayload: event,
  docsUrl: 'https://docs.slack.dev/reference/events/message.im',
});
