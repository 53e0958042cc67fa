// Lever (ATS): one Lever webhook per trigger subscription, created through "Webhooks via the API" and verified
// with the signatureToken Lever returns at creation (webhooks.ts). Auth: OAuth 2 at auth.lever.co with the API
// audience (https://hire.lever.co/developer/oauth); webhooks by API need the `webhooks:write:admin` scope and,
// for refresh tokens, `offline_access`. Setup: docs/integrations/lever.md.
import { defineIntegration } from '../../sdk/index.js';
import { applicationCreatedTrigger } from './triggers/application-created.js';
import { candidateArchiveChangedTrigger } from './triggers/candidate-archive-changed.js';
import { candidateDeletedTrigger } from './triggers/candidate-deleted.js';
import { candidateHiredTrigger } from './triggers/candidate-hired.js';
import { candidateStageChangedTrigger } from './triggers/candidate-stage-changed.js';

export { leverSignatureScheme } from './webhooks.js';

export const leverIntegration = defineIntegration({
  key: 'lever',
  name: 'Lever',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://auth.lever.co/authorize',
    tokenUrl: 'https://auth.lever.co/oauth/token',
    scopes: ['offline_access', 'webhooks:write:admin'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'body',
    extraAuthorizationParams: { audience: 'https://api.lever.co/v1/' },
  },
  apiBaseUrl: 'https://api.lever.co/v1',
  docsUrl: 'https://hire.lever.co/developer/documentation#webhooks-via-the-api',
  triggers: [applicationCreatedTrigger, candidateHiredTrigger, candidateStageChangedTrigger, candidateArchiveChangedTrigger, candidateDeletedTrigger],
});
