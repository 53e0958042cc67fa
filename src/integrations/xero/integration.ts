// Xero (Accounting API) through OAuth 2. One Xero connection may reach several organisations (tenants); a
// credential reads exactly one, its provider account id being that tenantId: every call sends it as the
// `xero-tenant-id` header and app webhook events are routed by it. At connect time the tenant is read from
// `GET /connections`: the one named by the token's extras (`tenantId`) when given, otherwise the only
// organisation connected; with several and none named the connection is refused with a message saying what to do
// (docs/integrations/xero.md).
// The triggers poll the Accounting API for full records (changes.ts); Xero's app webhook (webhook.ts) makes the
// notified tenant's subscriptions poll at once.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { isTenantId } from './api.js';
import { contactCreated } from './triggers/contact-created.js';
import { contactUpdated } from './triggers/contact-updated.js';
import { invoiceCreated } from './triggers/invoice-created.js';
import { invoiceUpdated } from './triggers/invoice-updated.js';
import { xeroAppWebhook } from './webhook.js';

interface Connection { id?: string; tenantId?: string; tenantType?: string; tenantName?: string }

export const xeroIntegration = defineIntegration({
  key: 'xero',
  name: 'Xero',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://login.xero.com/identity/connect/authorize',
    tokenUrl: 'https://identity.xero.com/connect/token',
    scopes: ['accounting.transactions.read', 'accounting.contacts.read', 'offline_access'],
    scopeSeparator: ' ',
    pkce: false,
    // Xero's token endpoint takes the client id and secret as HTTP Basic credentials.
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://api.xero.com',
  docsUrl: 'https://developer.xero.com/documentation/guides/oauth2/auth-flow',
  async accountId({ http, token }) {
    const list = await http.get<Connection[]>('/connections');
    const orgs = (Array.isArray(list) ? list : []).filter((c) => isTenantId(c?.tenantId) && (c.tenantType === undefined || c.tenantType === 'ORGANISATION'));
    const wanted = token.extra?.tenantId;
    const chosen = isTenantId(wanted) ? orgs.find((c) => c.tenantId === wanted) : orgs.length === 1 ? orgs[0] : undefined;
    if (chosen?.tenantId) return { providerAccountId: chosen.tenantId, extra: { tenantId: chosen.tenantId, ...(chosen.tenantName ? { tenantName: chosen.tenantName } : {}) } };
    throw new ProviderError(
      'permanent',
      orgs.length === 0
        ? 'Xero: this connection reaches no organisation; connect again and pick one'
        : `Xero: this connection reaches ${orgs.length} organisations; create one credential per organisation with POST /credentials and providerAccountId set to its tenantId (GET https://api.xero.com/connections)`,
    );
  },
  appWebhook: xeroAppWebhook,
  triggers: [invoiceCreated, invoiceUpdated, contactCreated, contactUpdated],
});
