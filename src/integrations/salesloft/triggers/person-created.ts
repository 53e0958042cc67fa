import person from '../fixtures/person.json' with { type: 'json' };
import { salesloftTrigger } from './factory.js';

export const personCreatedTrigger = salesloftTrigger({
  type: 'SALESLOFT_TRIGGER_PERSON_CREATED',
  event: 'person_created',
  title: 'Person created',
  description: 'Fires when a person (prospect) is created in Salesloft — webhook event `person_created`. Delivers the Person object.',
  examplePayload: person,
});
