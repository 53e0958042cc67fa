// Front (shared inbox) through the Core API (https://api2.frontapp.com). Setup and design: docs/integrations/front.md.
//
// Auth: OAuth 2 authorization code at app.frontapp.com (https://dev.frontapp.com/docs/oauth); an API token made in
// Front's settings works too, stored directly as the credential's access token (both are sent as Bearer). Scopes are
// chosen in the app's settings in Front, not in the authorize URL. The connected company (`GET /me`, `cmp_…`) is
// the provider account.
//
// Design choice — polling the Events API, not webhooks: application webhooks (one URL per app, signed with the
// app's signing key, event types chosen once in Front's developer settings) cannot be registered or removed by
// API per subscription, and reach only OAuth installs of that app, not API-token credentials; rule webhooks need an
// admin to build a rule in each company. Polling `GET /events` with each credential's own token reaches exactly that
// company's events, needs no setup in Front, and a subscription's inbox filter goes into the query.
import { defineIntegration, ProviderError } from '../../sdk/index.js';
import { commentAddedTrigger } from './triggers/comment-added.js';
import { conversationAssignedTrigger } from './triggers/conversation-assigned.js';
import { inboundMessageTrigger } from './triggers/inbound-message.js';
import { outboundMessageTrigger } from './triggers/outbound-message.js';
import { tagAddedTrigger } from './triggers/tag-added.js';

interface FrontMe { id?: unknown; name?: unknown }

export const frontIntegration = defineIntegration({
  key: 'front',
  name: 'Front',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://app.frontapp.com/oauth/authorize',
    tokenUrl: 'https://app.frontapp.com/oauth/token',
    scopes: [],
    pkce: false,
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://api2.frontapp.com',
  docsUrl: 'https://dev.frontapp.com/reference/listevents',
  async accountId({ http }) {
    const me = await http.get<FrontMe>('/me');
    if (typeof me?.id !== 'string' || me.id === '') throw new ProviderError('permanent', 'Front GET /me answered without a company id');
    return { providerAccountId: me.id, extra: typeof me.name === 'string' ? { companyName: me.name } : {} };
  },
  triggers: [inboundMessageTrigger, outboundMessageTrigger, conversationAssignedTrigger, tagAddedTrigger, commentAddedTrigger],
});
