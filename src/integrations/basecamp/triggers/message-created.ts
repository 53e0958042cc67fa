import messageCreated from '../fixtures/message-created.json' with { type: 'json' };
import { projectIdParameter } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const messageCreatedTrigger = webhookTrigger({
  type: 'BASECAMP_TRIGGER_MESSAGE_CREATED',
  title: 'Message posted',
  description:
    'Fires when a message is posted on the project\'s message board (webhook type `Message`, event `message_created`). Delivers `{id, kind: "message_created", created_at, recording: {id, title, content (HTML), type: "Message", parent: {type: "Message::Board"}, bucket, creator, …}, creator}`.',
  parameters: [projectIdParameter],
  recordingType: 'Message',
  kind: 'message_created',
  keyBy: 'recording',
  examplePayload: messageCreated,
});
