// Zendesk Support through OAuth 2.0 (authorization code) or an API token, on the account's own host,
// https://{subdomain}.zendesk.com: a Zendesk OAuth client belongs to one account, so a project configures its
// account's authorizationUrl, tokenUrl and apiBaseUrl (docs/integrations/zendesk.md). An API token credential names
// its account with extra.subdomain (or baseUrl) and the token's user with extra.email. Each trigger subscription
// creates one Zendesk webhook subscribed to one Zendesk event type (webhooks.ts); every call goes to the
// credential's account origin (api.ts).
import { defineIntegration } from '../../sdk/index.js';
import { currentUser, zendeskBase } from './api.js';
import { organizationCreatedTrigger } from './triggers/organization-created.js';
import { ticketCommentAddedTrigger } from './triggers/ticket-comment-added.js';
import { ticketCreatedTrigger } from './triggers/ticket-created.js';
import { ticketStatusChangedTrigger } from './triggers/ticket-status-changed.js';
import { userCreatedTrigger } from './triggers/user-created.js';

export const zendeskIntegration = defineIntegration({
  key: 'zendesk',
  name: 'Zendesk',
  auth: {
    kind: 'oauth2',
    // Zendesk's OAuth flow: GET https://{subdomain}.zendesk.com/oauth/authorizations/new, POST
    // https://{subdomain}.zendesk.com/oauth/tokens, space-separated scopes (what was and was not confirmed:
    // docs/integrations/zendesk.md). The `{subdomain}` placeholders are filled from the connect call's
    // `parameters.subdomain` (a global OAuth client serves every account), unless the project configured one
    // account's URLs.
    authorizationUrl: 'https://{subdomain}.zendesk.com/oauth/authorizations/new',
    tokenUrl: 'https://{subdomain}.zendesk.com/oauth/tokens',
    // `read` for users/me and the webhook reads, `write` to create and delete webhooks (an admin's token).
    scopes: ['read', 'write'],
    pkce: false,
    clientAuth: 'body',
  },
  // API tokens (Admin Center → Apps and integrations → Zendesk API): `Authorization: Basic
  // base64("{email}/token:{api_token}")`, the email of the (admin) user the token acts as from extra.email.
  alternativeAuth: { kind: 'apiKey', header: 'authorization', basicUser: '{email}/token' },
  accountParameters: [{ name: 'subdomain', description: "the Zendesk account's subdomain, e.g. acme for acme.zendesk.com", acceptSuffix: '.zendesk.com' }],
  // The account's URL (https://acme.zendesk.com) from the subdomain or the project's configuration; trigger calls
  // use the credential's (api.ts).
  apiBaseUrl: 'https://{subdomain}.zendesk.com',
  docsUrl: 'https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/',
  async accountId({ http }) {
    // Relative: on the project's apiBaseUrl, the account's own host. The user's `url` names that host.
    const me = await currentUser(http, '/api/v2/users/me');
    const baseUrl = typeof me.url === 'string' ? zendeskBase({ baseUrl: me.url }) : undefined;
    const host = baseUrl ? new URL(baseUrl).host : 'zendesk';
    return { providerAccountId: `${host}:${me.id}`, extra: { ...(baseUrl ? { baseUrl } : {}), userId: String(me.id) } };
  },
  triggers: [ticketCreatedTrigger, ticketStatusChangedTrigger, ticketCommentAddedTrigger, userCreatedTrigger, organizationCreatedTrigger],
});
