// New message in a multi-person direct message the app is part of (message.mpim), as Paragon's
// "Group Message Sent" (its example has channel_type "mpim").
import event from '../fixtures/event-message-mpim.json' with { type: 'json' };
import { messageTrigger } from './messages.js';

export const groupMessagePosted = messageTrigger({
  type: 'SLACK_TRIGGER_GROUP_MESSAGE_POSTED',
  title: 'Group Message Sent',
  description:
    'Trigger when a message is posted in a group direct message (a DM with several people) the app is part of. ' +
    'Bot messages and system notices are left out unless enabled.',
  channelTypes: ['mpim'],
  channelFilter: false,
  examplePayload: event,
  docsUrl: 'https://docs.slack.dev/reference/events/message.mpim',
});
