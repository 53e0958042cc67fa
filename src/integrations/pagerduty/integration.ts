// PagerDuty (REST API v2) through Scoped OAuth 2.0 (authorization code). Each trigger subscription creates one v3
// webhook subscription for one incident event type, on a service or the whole account (see webhooks.ts).
// Setup: docs/integrations/pagerduty.md.
import { defineIntegration } from '../../sdk/index.js';
import { incidentAcknowledgedTrigger } from './triggers/incident-acknowledged.js';
import { incidentAnnotatedTrigger } from './triggers/incident-annotated.js';
import { incidentResolvedTrigger } from './triggers/incident-resolved.js';
import { incidentTriggeredTrigger } from './triggers/incident-triggered.js';

export const pagerdutyIntegration = defineIntegration({
  key: 'pagerduty',
  name: 'PagerDuty',
  auth: {
    kind: 'oauth2',
    // PagerDuty's identity service; Scoped OAuth apps ask for `<resource>.read` / `<resource>.write` scopes,
    // space-separated. We only manage webhook subscriptions.
    authorizationUrl: 'https://identity.pagerduty.com/oauth/authorize',
    tokenUrl: 'https://identity.pagerduty.com/oauth/token',
    scopes: ['webhook_subscriptions.read', 'webhook_subscriptions.write'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.pagerduty.com',
  docsUrl: 'https://support.pagerduty.com/docs/webhooks',
  // PagerDuty's versioning header: without it the API may answer with an older response shape.
  defaultHeaders: { accept: 'application/vnd.pagerduty+json;version=2' },
  triggers: [incidentTriggeredTrigger, incidentAcknowledgedTrigger, incidentResolvedTrigger, incidentAnnotatedTrigger],
});
