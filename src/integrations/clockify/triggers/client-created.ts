import client from '../fixtures/client.json' with { type: 'json' };
import { clockifyId } from '../api.js';
import { clockifyTrigger } from './factory.js';

export const clientCreatedTrigger = clockifyTrigger(
  'CLOCKIFY_TRIGGER_CLIENT_CREATED',
  { event: 'NEW_CLIENT', keyOf: (body) => clockifyId(body.id) },
  'Client created',
  'Fires when a client is created in the workspace (Clockify webhook event `NEW_CLIENT`). Delivers the client as Clockify sends it.',
  client,
);
