// Client Created (FreshBooks callback event `client.create`): the client read back with GET /accounting/account/{accountId}/users/clients/{id}.
import example from '../fixtures/client.json' with { type: 'json' };
import { freshBooksObjectTrigger } from '../callbacks.js';

export const clientCreated = freshBooksObjectTrigger({
  type: 'FRESHBOOKS_TRIGGER_CLIENT_CREATED',
  title: 'Client Created',
  description: 'Triggers when a client is created in FreshBooks.',
  event: 'client.create',
  objectPath: 'users/clients',
  resultKey: 'client',
  examplePayload: example,
});
