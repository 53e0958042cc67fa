// GOOGLE_CONTACTS_TRIGGER_CONTACT_UPDATED (polling): Trigger when a contact in Google Contacts is created or changed. See contacts.ts.
import { defineTrigger } from '../../../sdk/index.js';
import { CONNECTIONS_LIST_DOCS } from '../api.js';
import { contactExample } from '../fixtures/examples.js';
import { contactsSource } from './contacts.js';

export const contactUpdated = defineTrigger({
  type: 'GOOGLE_CONTACTS_TRIGGER_CONTACT_UPDATED',
  title: 'Contact Updated',
  description: 'Trigger when a contact in Google Contacts is created or changed.',
  parameters: [],
  examplePayload: contactExample,
  docsUrl: CONNECTIONS_LIST_DOCS,
  source: contactsSource('updated'),
});
