// GOOGLE_CONTACTS_TRIGGER_CONTACT_DELETED (polling): Trigger when a contact is deleted in Google Contacts. See contacts.ts.
import { defineTrigger } from '../../../sdk/index.js';
import { CONNECTIONS_LIST_DOCS } from '../api.js';
import { deletedContactExample } from '../fixtures/examples.js';
import { contactsSource } from './contacts.js';

export const contactDeleted = defineTrigger({
  type: 'GOOGLE_CONTACTS_TRIGGER_CONTACT_DELETED',
  title: 'Contact Deleted',
  description: 'Trigger when a contact is deleted in Google Contacts.',
  parameters: [],
  examplePayload: deletedContactExample,
  docsUrl: CONNECTIONS_LIST_DOCS,
  source: contactsSource('deleted'),
});
