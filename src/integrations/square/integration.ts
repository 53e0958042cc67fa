// Square (payments and commerce) through OAuth 2. The connected seller is its merchant id, the credential's
// provider account id: Square's app-level webhooks name it in `merchant_id` and are routed by it (webhooks.ts
// explains why Square's webhooks are one app-wide subscription and not one per trigger subscription).
// Sandbox: set the project's apiBaseUrl, authorizationUrl and tokenUrl to https://connect.squareupsandbox.com/….
// Setup: docs/integrations/square.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { SQUARE_ERROR_STATUSES, SQUARE_VERSION, squareError } from './api.js';
import { customerCreatedTrigger } from './triggers/customer-created.js';
import { invoicePaidTrigger } from './triggers/invoice-paid.js';
import { orderCreatedTrigger } from './triggers/order-created.js';
import { paymentCompletedTrigger } from './triggers/payment-completed.js';
import { paymentCreatedTrigger } from './triggers/payment-created.js';
import { squareAppWebhook } from './webhooks.js';

export { SQUARE_SIGNATURE } from './webhooks.js';

interface MerchantResponse {
  merchant?: { id?: unknown; business_name?: unknown; country?: unknown; main_location_id?: unknown } | null;
}

export const squareIntegration = defineIntegration({
  key: 'square',
  name: 'Square',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://connect.squareup.com/oauth2/authorize',
    // ObtainToken takes a JSON body with client_id and client_secret; access tokens last 30 days and are renewed
    // with the refresh_token grant (same refresh token back for the code flow).
    tokenUrl: 'https://connect.squareup.com/oauth2/token',
    // MERCHANT_PROFILE_READ for GET /v2/merchants/me; the others are what the subscribed events require.
    scopes: ['MERCHANT_PROFILE_READ', 'PAYMENTS_READ', 'ORDERS_READ', 'CUSTOMERS_READ', 'INVOICES_READ'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    tokenRequestEncoding: 'json',
  },
  apiBaseUrl: 'https://connect.squareup.com',
  defaultHeaders: { 'Square-Version': SQUARE_VERSION },
  docsUrl: 'https://developer.squareup.com/docs/oauth-api/overview',
  /** `GET /v2/merchants/me`: the merchant the new token belongs to (the token response's merchant_id went through no check). */
  async accountId({ http }) {
    const res = await http.request<MerchantResponse>({ path: '/v2/merchants/me', allowStatus: SQUARE_ERROR_STATUSES });
    if (res.status >= 400) throw squareError(res, Date.now());
    const m = res.body?.merchant;
    const id = m?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Square answered GET /v2/merchants/me without a merchant id');
    const extra: Record<string, unknown> = { merchantId: id };
    if (typeof m?.business_name === 'string') extra.businessName = m.business_name;
    if (typeof m?.country === 'string') extra.country = m.country;
    if (typeof m?.main_location_id === 'string') extra.mainLocationId = m.main_location_id;
    return { providerAccountId: id, extra };
  },
  appWebhook: squareAppWebhook,
  triggers: [paymentCreatedTrigger, paymentCompletedTrigger, orderCreatedTrigger, customerCreatedTrigger, invoicePaidTrigger],
});
