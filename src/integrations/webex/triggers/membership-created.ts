// memberships/created: someone joined or was added to a space the connected user is in. Keyed by the membership
// id and its `created` time (a person removed and added again keeps the membership id).
import { defineTrigger } from '../../../sdk/index.js';
import { roomIdParameter, type WebexParams } from '../api.js';
import example from '../fixtures/membership-created.json' with { type: 'json' };
import { webexWebhook } from '../webhooks.js';

export const membershipCreated = defineTrigger<WebexParams>({
  type: 'WEBEX_TRIGGER_MEMBERSHIP_CREATED',
  title: 'Person Added to Space',
  description:
    'Trigger when someone joins or is added to a space (optionally one space), including the connected user being added to a new space. Delivers the Webex webhook envelope; `data` is the membership: `personEmail`, `personDisplayName`, `roomId`, `isModerator`, `created`; `actorId` is who added them.',
  parameters: [roomIdParameter('people added')],
  examplePayload: example,
  docsUrl: 'https://developer.webex.com/docs/webhook-event-reference',
  source: webexWebhook({ trigger: 'WEBEX_TRIGGER_MEMBERSHIP_CREATED', resource: 'memberships', event: 'created' }),
});
