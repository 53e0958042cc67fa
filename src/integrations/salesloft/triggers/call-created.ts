import call from '../fixtures/call.json' with { type: 'json' };
import { salesloftTrigger } from './factory.js';

export const callCreatedTrigger = salesloftTrigger({
  type: 'SALESLOFT_TRIGGER_CALL_CREATED',
  event: 'call_created',
  title: 'Call logged',
  description: 'Fires when a call is logged in Salesloft — webhook event `call_created`. Delivers the Call object (disposition, sentiment, duration, called person).',
  examplePayload: call,
});
