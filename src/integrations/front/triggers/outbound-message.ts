import example from '../fixtures/event-outbound.json' with { type: 'json' };
import { frontEventTrigger } from './event-trigger.js';

export const outboundMessageTrigger = frontEventTrigger({
  type: 'FRONT_TRIGGER_OUTBOUND_MESSAGE_SENT',
  frontType: 'outbound',
  title: 'Outbound message sent',
  description: 'Fires once for each new outbound message sent from an inbox (a reply is a separate Front event type, `out_reply`, not included); `target.data` is the message.',
  example,
});
