// Outreach (sales engagement), API v2 (JSON:API) through OAuth 2 (authorization code). Each trigger subscription
// creates one Outreach webhook for one resource and action, signed with a secret we choose (webhooks.ts).
// Setup: docs/integrations/outreach.md.
import { defineIntegration } from '../../sdk/index.js';
import { callCreatedTrigger } from './triggers/call-created.js';
import { emailDeliveredTrigger } from './triggers/email-delivered.js';
import { emailRepliedTrigger } from './triggers/email-replied.js';
import { prospectAddedToSequenceTrigger } from './triggers/prospect-added-to-sequence.js';
import { prospectCreatedTrigger } from './triggers/prospect-created.js';
import { prospectUpdatedTrigger } from './triggers/prospect-updated.js';

export { OUTREACH_SIGNATURE } from './webhooks.js';

export const outreachIntegration = defineIntegration({
  key: 'outreach',
  name: 'Outreach',
  auth: {
    kind: 'oauth2',
    // Authorize at api.outreach.io/oauth/authorize; exchange the code (and refresh) at POST /oauth/token with
    // client_id and client_secret in the form body. Scopes are `<resource>.<read|write|delete|all>`, space
    // separated, and not additive: webhooks.all to create, read and delete webhooks; the read scopes so the
    // user's data can be sent to us.
    authorizationUrl: 'https://api.outreach.io/oauth/authorize',
    tokenUrl: 'https://api.outreach.io/oauth/token',
    scopes: ['webhooks.all', 'prospects.read', 'sequenceStates.read', 'mailings.read', 'calls.read'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.outreach.io/api/v2',
  docsUrl: 'https://developers.outreach.io/api/webhooks',
  triggers: [prospectCreatedTrigger, prospectUpdatedTrigger, prospectAddedToSequenceTrigger, emailDeliveredTrigger, emailRepliedTrigger, callCreatedTrigger],
});
