// Google Contacts: Google OAuth 2.0 (offline access for a refresh token), the People API v1 on
// people.googleapis.com. Three polling triggers on the connected user's contacts. See
// docs/integrations/googleContacts.md.
//
// Why polling: the People API has no push notifications or watch method; people.connections.list with
// sync tokens (requestSyncToken / syncToken) is Google's documented way to read what changed.
import { defineIntegration } from '../../sdk/index.js';
import { googleOAuth2 } from '../../sdk/providers/google.js';
import { contactCreated } from './triggers/contact-created.js';
import { contactDeleted } from './triggers/contact-deleted.js';
import { contactUpdated } from './triggers/contact-updated.js';

export const googleContactsIntegration = defineIntegration({
  key: 'googleContacts',
  name: 'Google Contacts',
  // Read-only: people.connections.list accepts contacts.readonly.
  // https://developers.google.com/people/api/rest/v1/people.connections/list#authorization-scopes
  auth: googleOAuth2(['https://www.googleapis.com/auth/contacts.readonly']),
  apiBaseUrl: 'https://people.googleapis.com',
  docsUrl: 'https://developers.google.com/people/api/rest',
  triggers: [contactCreated, contactUpdated, contactDeleted],
});
