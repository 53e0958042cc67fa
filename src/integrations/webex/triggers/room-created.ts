// rooms/created: a space the connected user is in was created (or the user was put in a new space). Keyed by the room id.
import { defineTrigger } from '../../../sdk/index.js';
import { roomTypeParameter, type WebexParams } from '../api.js';
import example from '../fixtures/room-created.json' with { type: 'json' };
import { webexWebhook } from '../webhooks.js';

export const roomCreated = defineTrigger<WebexParams>({
  type: 'WEBEX_TRIGGER_SPACE_CREATED',
  title: 'Space Created',
  description:
    'Trigger when a space the connected user is in is created (optionally only group or only 1:1 spaces). Delivers the Webex webhook envelope; `data` is the space: `id`, `title`, `type`, `isLocked`, `creatorId`, `created`.',
  parameters: [roomTypeParameter],
  examplePayload: example,
  docsUrl: 'https://developer.webex.com/docs/webhook-event-reference',
  source: webexWebhook({ trigger: 'WEBEX_TRIGGER_SPACE_CREATED', resource: 'rooms', event: 'created' }),
});
