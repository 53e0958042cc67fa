import opportunity from '../fixtures/opportunity.json' with { type: 'json' };
import { copperCreatedTrigger } from './factory.js';
import { pipelineIdParameter } from './params.js';

export const opportunityCreatedTrigger = copperCreatedTrigger(
  'COPPER_TRIGGER_OPPORTUNITY_CREATED',
  'opportunity',
  'Opportunity created',
  'Fires when an opportunity is created in Copper (webhook type `opportunity`, event `new`), in any pipeline or the given one. Delivers the opportunity as `GET /opportunities/{id}` returns it, in `record`.',
  { type: 'opportunity', event: 'new', id: opportunity.id, record: opportunity },
  [pipelineIdParameter],
);
