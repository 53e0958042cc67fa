// GOOGLE_CONTACTS_TRIGGER_CONTACT_CREATED (polling): Trigger when a new contact is added in Google Contacts. See contacts.ts.
import { defineTrigger } from '../../../sdk/index.js';
import { CONNECTIONS_LIST_DOCS } from '../api.js';
import { contactExample } from '../fixtures/examples.js';
import { contactsSource } from './contacts.js';

export const contactCreated = defineTrigger({
  type: 'GOOGLE_CONTACTS_TRIGGER_CONTACT_CREATED',
  title: 'Contact Created',
  description: 'Trigger when a new contact is added in Google Contacts.',
  parameters: [],
  examplePayload: contactExample,
  docsUrl: CONNECTIONS_LIST_DOCS,
  source: contactsSource('created'),
});
