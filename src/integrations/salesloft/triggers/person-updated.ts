import person from '../fixtures/person.json' with { type: 'json' };
import { salesloftTrigger } from './factory.js';

export const personUpdatedTrigger = salesloftTrigger({
  type: 'SALESLOFT_TRIGGER_PERSON_UPDATED',
  event: 'person_updated',
  title: 'Person updated',
  description: 'Fires when a person is updated in Salesloft — webhook event `person_updated`, once per `updated_at`. Delivers the updated Person object.',
  examplePayload: person,
});
