// Jotform through an API key (Account → API → Create New Key), sent in the `APIKEY` header
// (https://api.jotform.com/docs/#authentication). The new-submission trigger adds a form webhook per trigger
// subscription (webhooks.ts); the new-form and any-form submission triggers poll. Setup: docs/integrations/jotform.md.
//
// Hosts: Jotform runs separate API hosts per data residency — https://api.jotform.com, https://eu-api.jotform.com
// (EU accounts), https://hipaa-api.jotform.com (HIPAA accounts) — and Enterprise accounts get their own domain.
// An account lives on one of them for good, and a project normally serves one residency, so the host is the
// project's `apiBaseUrl` setting for `jotform`, not a value each connected user chooses.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { jotformGet } from './api.js';
import { newFormTrigger } from './triggers/new-form.js';
import { newSubmissionAnyFormTrigger } from './triggers/new-submission-any-form.js';
import { newSubmissionTrigger } from './triggers/new-submission.js';

export const jotformIntegration = defineIntegration({
  key: 'jotform',
  name: 'Jotform',
  auth: { kind: 'apiKey', header: 'APIKEY' },
  apiBaseUrl: 'https://api.jotform.com',
  docsUrl: 'https://api.jotform.com/docs/',
  async accountId({ http }) {
    // GET /user: the account of the key (https://api.jotform.com/docs/#user).
    const user = await jotformGet<{ username?: unknown; email?: unknown }>(http, '/user', {}, Date.now());
    if (typeof user?.username !== 'string' || user.username === '') throw new ProviderError('permanent', 'Jotform /user answered without a username');
    return { providerAccountId: user.username };
  },
  triggers: [newSubmissionTrigger, newSubmissionAnyFormTrigger, newFormTrigger],
});
