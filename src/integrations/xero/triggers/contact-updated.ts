import contact from '../fixtures/contact.json' with { type: 'json' };
import { recordTrigger } from './record-trigger.js';

export const contactUpdated = recordTrigger({
  type: 'XERO_TRIGGER_CONTACT_UPDATED',
  title: 'Contact updated',
  description:
    'Fires for each new version (UpdatedDateUTC) of a contact in the connected Xero organisation, including a new contact\'s first version ' +
    '(Xero records carry no creation date); several changes between two reads are one event. Delivers the full Contact.',
  resource: 'Contacts',
  idField: 'ContactID',
  change: 'updated',
  category: 'CONTACT',
  examplePayload: contact,
  docsUrl: 'https://developer.xero.com/documentation/api/accounting/contacts',
});
