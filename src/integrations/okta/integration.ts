// Okta (Workforce Identity) for one Okta org per credential, through an API token (Security → API → Tokens), sent as
// `Authorization: SSWS <token>` (https://developer.okta.com/docs/guides/create-an-api-token/). The token acts with its
// creator's admin permissions; managing event hooks needs a super admin (or a custom role allowed to manage hooks).
// Each trigger subscription creates one Okta event hook (event-hooks.ts). Setup: docs/integrations/okta.md.
//
// The org's host is the account parameter `orgSubdomain`: `https://{orgSubdomain}.okta.com/api/v1` (ADR 0027). Preview
// orgs (`{orgSubdomain}.oktapreview.com`) and EU cells (`okta-emea.com`): set the project's apiBaseUrl to
// `https://{orgSubdomain}.oktapreview.com/api/v1` (or the EU host). Custom domains are for end users; the management
// API is always on the org's Okta host. OAuth 2.0 for Okta (scoped access tokens from an app in each org) is not
// offered: see the doc.
import { defineIntegration } from '../../sdk/index.js';
import { appAssignedToUserTrigger, userAddedToGroupTrigger } from './triggers/memberships.js';
import { userCreatedTrigger, userDeactivatedTrigger, userSessionStartedTrigger } from './triggers/users.js';

export { OKTA_AUTH_HEADER, OKTA_VERIFICATION_CHALLENGE } from './event-hooks.js';

export const oktaIntegration = defineIntegration({
  key: 'okta',
  name: 'Okta',
  auth: { kind: 'apiKey', header: 'authorization', prefix: 'SSWS ' },
  accountParameters: [{ name: 'orgSubdomain', description: "your Okta org's subdomain, e.g. acme for acme.okta.com", acceptSuffix: '.okta.com' }],
  apiBaseUrl: 'https://{orgSubdomain}.okta.com/api/v1',
  docsUrl: 'https://developer.okta.com/docs/reference/api/event-hooks/',
  triggers: [userCreatedTrigger, userDeactivatedTrigger, userAddedToGroupTrigger, userSessionStartedTrigger, appAssignedToUserTrigger],
});
