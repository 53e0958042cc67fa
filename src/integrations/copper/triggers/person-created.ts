import person from '../fixtures/person.json' with { type: 'json' };
import { copperCreatedTrigger } from './factory.js';

export const personCreatedTrigger = copperCreatedTrigger(
  'COPPER_TRIGGER_PERSON_CREATED',
  'person',
  'Person created',
  'Fires when a person (contact) is created in Copper (webhook type `person`, event `new`). Delivers the person as `GET /people/{id}` returns it, in `record`.',
  { type: 'person', event: 'new', id: person.id, record: person },
);
