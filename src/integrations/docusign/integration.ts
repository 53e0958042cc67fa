// DocuSign eSignature REST API v2.1 for one DocuSign account per credential. Setup: docs/integrations/docusign.md.
//
// Auth: OAuth 2 authorization code with scope `signature` at account.docusign.com (production; a project on the
// developer environment sets authorizationUrl / tokenUrl to account-d.docusign.com).
//
// Host: every DocuSign account lives on its own API server (`https://na3.docusign.net`, `eu`, `au`, `demo` for
// the developer environment …) under `/restapi/v2.1/accounts/{accountId}`. Both are account parameters (ADR 0027):
// `server`, one DNS label under docusign.net, and `accountId`, the account's API Account ID — a GUID, which is
// letters, digits and inner hyphens and so passes the same one-label check; it only ever fills a path segment.
// Both are shown on the account's Apps and Keys page (Account Base URI, API Account ID) and are returned by
// GET /oauth/userinfo. The userinfo answer's `base_uri` is deliberately not kept in `extra` and called: a host
// taken from credential data is what ADR 0027 forbids; the label can only pick a host under docusign.net.
//
// Source — polling, not Connect: account-level Connect configurations need Connect enabled on the account and an
// account administrator, and their HMAC keys are account-wide keys an administrator creates in the admin UI (not
// one per configuration that we could choose or read back), so a subscription could not verify what it receives
// without an admin pasting a per-account key. Envelopes: listStatusChanges needs only the user's token.
import { defineIntegration } from '../../sdk/index.js';
import { envelopeCompletedTrigger } from './triggers/envelope-completed.js';
import { envelopeDeclinedTrigger } from './triggers/envelope-declined.js';
import { envelopeSentTrigger } from './triggers/envelope-sent.js';
import { envelopeVoidedTrigger } from './triggers/envelope-voided.js';

export const docusignIntegration = defineIntegration({
  key: 'docusign',
  name: 'DocuSign',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://account.docusign.com/oauth/auth',
    tokenUrl: 'https://account.docusign.com/oauth/token',
    scopes: ['signature'],
    pkce: false,
    clientAuth: 'basic',
  },
  accountParameters: [
    { name: 'server', description: "the account's API server, e.g. na3 for https://na3.docusign.net (demo for the developer environment)", acceptSuffix: '.docusign.net' },
    { name: 'accountId', description: "the account's API Account ID (a GUID, shown on Apps and Keys and in /oauth/userinfo)" },
  ],
  apiBaseUrl: 'https://{server}.docusign.net/restapi/v2.1/accounts/{accountId}',
  docsUrl: 'https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/',
  triggers: [envelopeSentTrigger, envelopeCompletedTrigger, envelopeDeclinedTrigger, envelopeVoidedTrigger],
});
