// Sentry through an Integration Platform integration (internal, or public and installed by an organization).
// Sentry sends every installation's webhooks to the integration's one webhook URL (webhook.ts); the triggers
// read them alone and make no Sentry API call.
//
// Credential: an apiKey holding the installation's token (an internal integration's token, or a token a
// public integration obtained for its installation), sent as `Authorization: Bearer`, with providerAccountId
// set to the installation uuid, which every webhook body names. The OAuth connect flow does not fit: Sentry
// starts an installation from its own UI (no `state` of ours comes back), and the grant code is exchanged at a
// per-installation URL, POST /api/0/sentry-app-installations/{installationId}/authorizations/ (docs/integrations/sentry.md).
import { defineIntegration } from '../../sdk/index.js';
import { eventAlertTriggered, metricAlertTriggered } from './triggers/alerts.js';
import { issueAssigned, issueCreated, issueResolved } from './triggers/issues.js';
import { sentryAppWebhook } from './webhook.js';

export const sentryIntegration = defineIntegration({
  key: 'sentry',
  name: 'Sentry',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' },
  apiBaseUrl: 'https://sentry.io/api/0',
  docsUrl: 'https://docs.sentry.io/organization/integrations/integration-platform/webhooks/',
  appWebhook: sentryAppWebhook,
  triggers: [issueCreated, issueResolved, issueAssigned, eventAlertTriggered, metricAlertTriggered],
});
