// Figma: per-subscription Webhooks V2 on a team, project or file (one of the parameters teamId, projectId,
// fileKey), each with our per-subscription URL and the subscription's secret as its passcode, which Figma
// echoes in every body. Setup and design: docs/integrations/figma.md.
import { defineIntegration } from '../../sdk/index.js';
import { fileComment } from './triggers/file-comment.js';
import { fileDeleted } from './triggers/file-deleted.js';
import { fileVersionUpdated } from './triggers/file-version-updated.js';
import { libraryPublished } from './triggers/library-published.js';

export const figmaIntegration = defineIntegration({
  key: 'figma',
  name: 'Figma',
  docsUrl: 'https://developers.figma.com/docs/rest-api/webhooks',
  auth: {
    kind: 'oauth2',
    // https://developers.figma.com/docs/rest-api/authentication — the token endpoint moved to
    // api.figma.com/v1/oauth/token (the old www.figma.com/api/oauth/token was retired in February 2025).
    authorizationUrl: 'https://www.figma.com/oauth',
    tokenUrl: 'https://api.figma.com/v1/oauth/token',
    // Creating and deleting webhooks: webhooks:write; reading one (the hourly check): webhooks:read.
    scopes: ['webhooks:write', 'webhooks:read'],
    scopeSeparator: ' ',
    pkce: false,
    clientAuth: 'basic',
  },
  apiBaseUrl: 'https://api.figma.com',
  triggers: [fileComment, fileVersionUpdated, libraryPublished, fileDeleted],
});
