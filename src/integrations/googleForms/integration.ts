// Google Forms: Google OAuth 2.0 (offline access for a refresh token), the Forms API v1 on
// forms.googleapis.com. One polling trigger on a form's responses. See docs/integrations/googleForms.md.
//
// Why polling: the Forms API's push notifications (forms.watches.create) publish only to a Cloud Pub/Sub
// topic in the caller's Google Cloud project, never to an HTTPS URL, and a watch expires after seven days.
import { defineIntegration } from '../../sdk/index.js';
import { googleOAuth2 } from '../../sdk/providers/google.js';
import { newResponse } from './triggers/new-response.js';

export const googleFormsIntegration = defineIntegration({
  key: 'googleForms',
  name: 'Google Forms',
  // Read-only: the form (forms.get) and its responses (forms.responses.list).
  // https://developers.google.com/workspace/forms/api/guides/authorizing
  auth: googleOAuth2(['https://www.googleapis.com/auth/forms.body.readonly', 'https://www.googleapis.com/auth/forms.responses.readonly']),
  apiBaseUrl: 'https://forms.googleapis.com',
  docsUrl: 'https://developers.google.com/workspace/forms/api/reference/rest',
  triggers: [newResponse],
});
