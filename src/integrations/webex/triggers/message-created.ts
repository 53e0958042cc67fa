// messages/created: a message was posted in a space the connected user (or bot) is in. The envelope carries
// ids only, so the message is read with GET /v1/messages/{id} and delivered in `data`. Keyed by the message id.
import { defineTrigger } from '../../../sdk/index.js';
import { roomIdParameter, type WebexParams } from '../api.js';
import envelope from '../fixtures/message-created.json' with { type: 'json' };
import message from '../fixtures/message.json' with { type: 'json' };
import { webexWebhook } from '../webhooks.js';

export const messageCreated = defineTrigger<WebexParams>({
  type: 'WEBEX_TRIGGER_MESSAGE_CREATED',
  title: 'New Message',
  description:
    'Trigger when a message is posted in a space (optionally one space). Delivers the Webex webhook envelope with `data` replaced by the full message read from the API: `text`, `markdown`, `files`, `personEmail`, `roomId`, `roomType`, `mentionedPeople`, `created`. A bot only hears group-space messages that mention it.',
  parameters: [roomIdParameter('messages')],
  examplePayload: { ...envelope, data: message },
  docsUrl: 'https://developer.webex.com/docs/api/v1/messages/get-message-details',
  source: webexWebhook({ trigger: 'WEBEX_TRIGGER_MESSAGE_CREATED', resource: 'messages', event: 'created', readMessage: true }),
});
