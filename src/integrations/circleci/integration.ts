// CircleCI: one CircleCI outbound webhook per trigger subscription (webhooks.ts), scoped to one project and
// signed with the secret we choose. Auth: a CircleCI personal API token (User Settings → Personal API Tokens),
// sent in the `Circle-Token` header (https://circleci.com/docs/api-developers-guide/). API v2 at
// https://circleci.com/api/v2 (CircleCI server: https://<host>/api/v2 as the project's apiBaseUrl).
// Setup: docs/integrations/circleci.md.
import { ProviderError, defineIntegration } from '../../sdk/index.js';
import { CIRCLECI_ERROR_STATUSES, circleciError } from './api.js';
import { jobCompletedTrigger } from './triggers/job-completed.js';
import { jobFailedTrigger } from './triggers/job-failed.js';
import { workflowCompletedTrigger } from './triggers/workflow-completed.js';
import { workflowFailedTrigger } from './triggers/workflow-failed.js';

export { circleciSignatureScheme } from './webhooks.js';

export const circleciIntegration = defineIntegration({
  key: 'circleci',
  name: 'CircleCI',
  auth: { kind: 'apiKey', header: 'circle-token' },
  apiBaseUrl: 'https://circleci.com/api/v2',
  docsUrl: 'https://circleci.com/docs/webhooks/',
  /** `GET /me`: the user the token belongs to (`{id, login, name}`). */
  async accountId({ http }) {
    const res = await http.request<{ id?: unknown; login?: unknown } | null>({ path: '/me', allowStatus: CIRCLECI_ERROR_STATUSES });
    if (res.status >= 400) throw circleciError(res);
    const id = res.body?.id;
    if (typeof id !== 'string' || id === '') throw new ProviderError('permanent', 'CircleCI answered GET /me without a user id');
    const login = res.body?.login;
    return { providerAccountId: id, ...(typeof login === 'string' && login !== '' ? { extra: { login } } : {}) };
  },
  triggers: [workflowCompletedTrigger, workflowFailedTrigger, jobCompletedTrigger, jobFailedTrigger],
});
