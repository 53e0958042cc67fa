// SurveyMonkey (API v3) through OAuth 2 (authorization code; long-lived access tokens, no refresh token). Each
// trigger subscription creates one SurveyMonkey webhook (webhooks.ts), signed with the app's client id and secret.
// Setup: docs/integrations/surveyMonkey.md.
//
// Hosts: SurveyMonkey keeps each account in one data center — https://api.surveymonkey.com (US),
// https://api.eu.surveymonkey.com (EU), https://api.surveymonkey.ca (Canada) — and apps are registered in the
// developer portal of one of them. The token response's `access_url` names the account's host, but a host taken
// from credential data is exactly what ADR 0027 rules out, and a project's app serves one data center anyway: the
// host is the project's `apiBaseUrl` (and OAuth URLs) setting for surveyMonkey. `access_url` is kept in the
// credential's extra as `accessUrl`, for the operator to see which host an account needs; it is never called.
import { defineIntegration } from '../../sdk/index.js';
import { currentUser } from './api.js';
import { responseCompletedTrigger } from './triggers/response-completed.js';
import { responseUpdatedTrigger } from './triggers/response-updated.js';
import { surveyCreatedTrigger } from './triggers/survey-created.js';

const KNOWN_ACCESS_URLS = new Set(['https://api.surveymonkey.com', 'https://api.eu.surveymonkey.com', 'https://api.surveymonkey.ca']);

export const surveyMonkeyIntegration = defineIntegration({
  key: 'surveyMonkey',
  name: 'SurveyMonkey',
  auth: {
    kind: 'oauth2',
    // https://api.surveymonkey.com/v3/docs#authentication: authorize at /oauth/authorize, exchange the code at
    // POST /oauth/token (form fields client_id, client_secret, code, redirect_uri, grant_type). Scopes are chosen in
    // the app's settings, not requested.
    authorizationUrl: 'https://api.surveymonkey.com/oauth/authorize',
    tokenUrl: 'https://api.surveymonkey.com/oauth/token',
    scopes: [],
    pkce: false,
    clientAuth: 'body',
  },
  apiBaseUrl: 'https://api.surveymonkey.com/v3',
  docsUrl: 'https://api.surveymonkey.com/v3/docs',
  async accountId({ http, token }) {
    const me = await currentUser(http);
    const accessUrl = token.extra?.access_url;
    const known = typeof accessUrl === 'string' && KNOWN_ACCESS_URLS.has(accessUrl.replace(/\/+$/, '')) ? accessUrl.replace(/\/+$/, '') : null;
    return { providerAccountId: me.id, extra: { userId: me.id, ...(known ? { accessUrl: known } : {}) } };
  },
  triggers: [responseCompletedTrigger, responseUpdatedTrigger, surveyCreatedTrigger],
});
