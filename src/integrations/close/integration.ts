// Close CRM: one Close webhook subscription per trigger subscription (webhooks.ts), verified with the
// signature_key Close returns at creation. Auth: an API key sent as HTTP Basic user name with an empty password
// (https://developer.close.com/api/overview/authentication-with-api-keys). OAuth apps are not offered yet.
// Setup: docs/integrations/close.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { CLOSE_ERROR_STATUSES, closeError } from './api.js';
import { contactCreatedTrigger } from './triggers/contact-created.js';
import { leadCreatedTrigger } from './triggers/lead-created.js';
import { leadUpdatedTrigger } from './triggers/lead-updated.js';
import { opportunityCreatedTrigger } from './triggers/opportunity-created.js';
import { opportunityStatusChangedTrigger } from './triggers/opportunity-status-changed.js';

export { closeSignatureScheme } from './webhooks.js';

export const closeIntegration = defineIntegration({
  key: 'close',
  name: 'Close',
  auth: { kind: 'apiKey', header: 'authorization', basicPassword: '' },
  apiBaseUrl: 'https://api.close.com/api/v1',
  docsUrl: 'https://developer.close.com/api/resources/webhooks',
  /** `GET /me/`: the user the key belongs to, and their organization. */
  async accountId({ http }) {
    const res = await http.request<{ id?: unknown; organizations?: Array<{ id?: unknown }> }>({ path: '/me/', allowStatus: CLOSE_ERROR_STATUSES });
    if (res.status >= 400) throw closeError(res);
    const id = res.body?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'Close answered GET /me/ without a user id');
    const org = res.body?.organizations?.[0]?.id;
    return { providerAccountId: id, ...(typeof org === 'string' ? { extra: { organizationId: org } } : {}) };
  },
  triggers: [leadCreatedTrigger, leadUpdatedTrigger, contactCreatedTrigger, opportunityCreatedTrigger, opportunityStatusChangedTrigger],
});
