import example from '../fixtures/event-inbound.json' with { type: 'json' };
import { frontEventTrigger } from './event-trigger.js';

export const inboundMessageTrigger = frontEventTrigger({
  type: 'FRONT_TRIGGER_INBOUND_MESSAGE_RECEIVED',
  frontType: 'inbound',
  title: 'Inbound message received',
  description: 'Fires once for each incoming message (email, SMS, chat, …) received in a shared inbox; `target.data` is the message.',
  example,
});
