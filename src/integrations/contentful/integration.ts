// Contentful (Content Management API) through a personal access token (Settings → CMA tokens, `CFPAT-…`) or an
// OAuth application's token (authorization code at https://be.contentful.com/oauth/authorize, token at
// https://be.contentful.com/oauth/token, scope content_management_manage; Contentful issues no refresh token), both
// sent as `Authorization: Bearer`. Each trigger subscription creates one webhook definition in the space it names,
// for one topic, with our per-subscription URL and a secret header (see webhooks.ts). EU data residency: set the
// project's apiBaseUrl to https://api.eu.contentful.com. Setup: docs/integrations/contentful.md.
import { defineIntegration } from '../../sdk/index.js';
import { currentUser } from './api.js';
import { assetPublishedTrigger } from './triggers/asset-published.js';
import { entryCreatedTrigger } from './triggers/entry-created.js';
import { entryDeletedTrigger } from './triggers/entry-deleted.js';
import { entryPublishedTrigger } from './triggers/entry-published.js';
import { entryUnpublishedTrigger } from './triggers/entry-unpublished.js';

export { CONTENTFUL_SECRET_SCHEME } from './webhooks.js';

export const contentfulIntegration = defineIntegration({
  key: 'contentful',
  name: 'Contentful',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  alternativeAuth: {
    kind: 'oauth2',
    authorizationUrl: 'https://be.contentful.com/oauth/authorize',
    tokenUrl: 'https://be.contentful.com/oauth/token',
    // Managing webhook definitions writes to the space: content_management_read is not enough.
    scopes: ['content_management_manage'],
    scopeSeparator: ' ',
    pkce: false,
  },
  apiBaseUrl: 'https://api.contentful.com',
  // Our calls read 401 themselves (allowStatus, to keep Contentful's message): a 401 is a refused token, so an OAuth
  // token is renewed where the engine can; a personal access token is never refreshed and marks the credential INVALID.
  tokenRefused: (res) => res.status === 401,
  docsUrl: 'https://www.contentful.com/developers/docs/webhooks/overview/',
  async accountId({ http }) {
    const me = await currentUser(http);
    return { providerAccountId: me.id, ...(me.email ? { extra: { email: me.email } } : {}) };
  },
  triggers: [entryPublishedTrigger, entryUnpublishedTrigger, entryCreatedTrigger, entryDeletedTrigger, assetPublishedTrigger],
});
