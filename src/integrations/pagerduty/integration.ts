// PagerDuty (REST API v2) through Scoped OAuth 2.0 (authorization code), or a REST API key (`Authorization: Token
// token=<key>`) the user created in PagerDuty. Each trigger subscription creates one v3 webhook subscription for
// one incident event type, on a service or the whole account (see webhooks.ts). Nothing the triggers do depends on
// the kind: no account id or extra is read from the credential, and the webhook subscription endpoints need no
// `From` header (PagerDuty asks for one with account keys only on calls acting as a user, e.g. notes on incidents).
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
  // REST API keys (general access or user keys): https://github.com/PagerDuty/developer-docs/blob/main/docs/REST-API/02-Authentication.md.
  // A key must not be read-only: creating a webhook subscription is a POST (read-only keys get 403).
  alternativeAuth: { kind: 'apiKey', header: 'authorization', prefix: 'Token token=' },
  apiBaseUrl: 'https://api.pagerduty.com',
  docsUrl: 'https://support.pagerduty.com/docs/webhooks',
  // PagerDuty's versioning header: without it the API may answer with an older response shape.
  defaultHeaders: { accept: 'application/vnd.pagerduty+json;version=2' },
  triggers: [incidentTriggeredTrigger, incidentAcknowledgedTrigger, incidentResolvedTrigger, incidentAnnotatedTrigger],
});
