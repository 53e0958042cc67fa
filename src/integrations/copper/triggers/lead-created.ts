import lead from '../fixtures/lead.json' with { type: 'json' };
import { copperCreatedTrigger } from './factory.js';

export const leadCreatedTrigger = copperCreatedTrigger(
  'COPPER_TRIGGER_LEAD_CREATED',
  'lead',
  'Lead created',
  'Fires when a lead is created in Copper (webhook type `lead`, event `new`). Delivers the lead as `GET /leads/{id}` returns it, in `record`.',
  { type: 'lead', event: 'new', id: lead.id, record: lead },
);
