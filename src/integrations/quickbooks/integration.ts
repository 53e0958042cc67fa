// QuickBooks Online (Accounting API) through OAuth 2. The company a credential reads is its realmId, which is
// the credential's provider account id: API calls go to /v3/company/{realmId}/… and app webhook notifications
// are routed by it. Intuit returns the realmId on the OAuth redirect (`?code=…&state=…&realmId=…`), not in the
// token response; see docs/integrations/quickbooks.md for how a credential gets it.
// The triggers poll the query endpoint for full entities (changes.ts); Intuit's app webhook (webhook.ts) makes
// the notified company's subscriptions poll at once.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { billCreated } from './triggers/bill-created.js';
import { customerCreated } from './triggers/customer-created.js';
import { invoiceCreated } from './triggers/invoice-created.js';
import { invoiceUpdated } from './triggers/invoice-updated.js';
import { paymentCreated } from './triggers/payment-created.js';
import { quickbooksAppWebhook } from './webhook.js';

export const quickbooksIntegration = defineIntegration({
  key: 'quickbooks',
  name: 'QuickBooks Online',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    scopes: ['com.intuit.quickbooks.accounting'],
    scopeSeparator: ' ',
    pkce: false,
    // Intuit's token endpoint takes the client id and secret as HTTP Basic credentials.
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://quickbooks.api.intuit.com',
  docsUrl: 'https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0',
  // The realmId comes on the redirect, which the connect flow does not hand to integrations; it is taken from
  // the token's extras when present, otherwise the connection is refused with a message saying what to do.
  async accountId({ token }) {
    const realm = token.extra?.realmId;
    const realmId = typeof realm === 'number' ? String(realm) : realm;
    if (typeof realmId === 'string' && /^\d{1,32}$/.test(realmId)) return { providerAccountId: realmId, extra: { realmId } };
    throw new ProviderError(
      'permanent',
      'QuickBooks sends the company id (realmId) on the OAuth redirect only; create the credential with POST /credentials and providerAccountId set to the realmId',
    );
  },
  appWebhook: quickbooksAppWebhook,
  triggers: [customerCreated, invoiceCreated, invoiceUpdated, paymentCreated, billCreated],
});
