// QuickBooks Online (Accounting API) through OAuth 2. The company a credential reads is its realmId, which is
// the credential's provider account id: API calls go to /v3/company/{realmId}/… and app webhook notifications
// are routed by it. Intuit returns the realmId on the OAuth redirect (`?code=…&state=…&realmId=…`), not in the
// token response: the connect flow hands it over as a callback parameter.
// The triggers poll the query endpoint for full entities (changes.ts); Intuit's app webhook (webhook.ts) makes
// the notified company's subscriptions poll at once.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { qboGet } from './api.js';
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
  // The realmId comes on the redirect (or, should Intuit add it there, in the token response). It passed through
  // the user's browser, so reading that company's CompanyInfo with the new token confirms it is the token's.
  async accountId({ http, token, callbackParams }) {
    const fromToken = token.extra?.realmId;
    const realmId = callbackParams?.realmId ?? (typeof fromToken === 'number' ? String(fromToken) : fromToken);
    if (typeof realmId !== 'string' || !/^\d{1,32}$/.test(realmId)) {
      throw new ProviderError('permanent', 'Intuit sent no company id (realmId) with the authorization; connect again, choosing a company');
    }
    await qboGet(http, realmId, `companyinfo/${realmId}`);
    return { providerAccountId: realmId, extra: { realmId } };
  },
  appWebhook: quickbooksAppWebhook,
  triggers: [customerCreated, invoiceCreated, invoiceUpdated, paymentCreated, billCreated],
});
