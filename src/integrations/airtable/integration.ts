// Airtable (Web API) through OAuth 2.0 with PKCE. Each trigger subscription creates one Airtable webhook on one
// table for one kind of record change (see webhooks.ts); the notifications are pings, and the changes are read
// from the webhook's payload list. Setup and facts: docs/integrations/airtable.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { airtableCall } from './api.js';
import { recordCreatedTrigger } from './triggers/record-created.js';
import { recordDeletedTrigger } from './triggers/record-deleted.js';
import { recordUpdatedTrigger } from './triggers/record-updated.js';

export { AIRTABLE_SIGNATURE } from './webhooks.js';

export const airtableIntegration = defineIntegration({
  key: 'airtable',
  name: 'Airtable',
  auth: {
    kind: 'oauth2',
    // https://airtable.com/developers/web/api/oauth-reference: authorization code grant with PKCE (S256
    // required), space-separated scopes; a confidential client (one with a client secret) authenticates at the
    // token endpoint with HTTP Basic. Access tokens last 60 minutes; refresh tokens are single-use (rotated).
    authorizationUrl: 'https://airtable.com/oauth2/v1/authorize',
    tokenUrl: 'https://airtable.com/oauth2/v1/token',
    // tableData webhooks need data.records:read (create and list payloads) and webhook:manage
    // (every webhook endpoint) — webhooks-overview, "Authorization".
    scopes: ['data.records:read', 'webhook:manage'],
    scopeSeparator: ' ',
    pkce: true,
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://api.airtable.com',
  docsUrl: 'https://airtable.com/developers/web/api/introduction',
  /** The account is the Airtable user (`usr…`) the token acts for: `GET /v0/meta/whoami`. */
  async accountId({ http }) {
    const res = await airtableCall<{ id?: unknown }>(http, { path: '/v0/meta/whoami' }, 'whoami');
    const id = res.body?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'whoami: Airtable answered without a user id');
    return { providerAccountId: id };
  },
  triggers: [recordCreatedTrigger, recordUpdatedTrigger, recordDeletedTrigger],
});
