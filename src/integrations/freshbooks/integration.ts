// FreshBooks: OAuth 2.0 (authorization at auth.freshbooks.com, JSON token requests at
// api.freshbooks.com/auth/oauth/token, refresh tokens), accounting API under /accounting/account/{accountId},
// one verified webhook callback per subscription under /events/account/{accountId}. See
// docs/integrations/freshbooks.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { identity } from './api.js';
import { clientCreated } from './triggers/client-created.js';
import { estimateCreated } from './triggers/estimate-created.js';
import { invoiceCreated } from './triggers/invoice-created.js';
import { paymentCreated } from './triggers/payment-created.js';

export const freshbooksIntegration = defineIntegration({
  key: 'freshbooks',
  name: 'FreshBooks',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://auth.freshbooks.com/oauth/authorize',
    tokenUrl: 'https://api.freshbooks.com/auth/oauth/token',
    // Read scopes of the objects read back; a callback needs the scope of its event's object.
    scopes: ['user:profile:read', 'user:invoices:read', 'user:payments:read', 'user:clients:read', 'user:estimates:read'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    tokenRequestEncoding: 'json',
  },
  apiBaseUrl: 'https://api.freshbooks.com',
  docsUrl: 'https://www.freshbooks.com/api/start',
  /** The first business membership's `account_id` (accounting and callback paths use it). */
  async accountId({ http }) {
    const me = await identity(http, Date.now());
    const first = me.memberships[0];
    if (!first) throw new ProviderError('permanent', 'FreshBooks answered GET /auth/api/v1/users/me without a business membership');
    return {
      providerAccountId: first.accountId,
      extra: { accountId: first.accountId, businessId: first.businessId, businessName: first.name, identityId: me.identityId, accountIds: me.memberships.map((m) => m.accountId) },
    };
  },
  triggers: [invoiceCreated, paymentCreated, clientCreated, estimateCreated],
});
