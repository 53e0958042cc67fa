import contact from '../fixtures/contact.json' with { type: 'json' };
import { recordTrigger } from './record-trigger.js';

export const contactCreated = recordTrigger({
  type: 'XERO_TRIGGER_CONTACT_CREATED',
  title: 'Contact created',
  description: 'Fires once for each new contact (customer or supplier) in the connected Xero organisation; delivers the full Contact.',
  resource: 'Contacts',
  idField: 'ContactID',
  change: 'created',
  category: 'CONTACT',
  examplePayload: contact,
  docsUrl: 'https://developer.xero.com/documentation/api/accounting/contacts',
});
