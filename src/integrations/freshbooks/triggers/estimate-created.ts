// Estimate Created (FreshBooks callback event `estimate.create`): the estimate read back with GET /accounting/account/{accountId}/estimates/estimates/{id}.
import example from '../fixtures/estimate.json' with { type: 'json' };
import { freshBooksObjectTrigger } from '../callbacks.js';

export const estimateCreated = freshBooksObjectTrigger({
  type: 'FRESHBOOKS_TRIGGER_ESTIMATE_CREATED',
  title: 'Estimate Created',
  description: 'Triggers when an estimate is created in FreshBooks.',
  event: 'estimate.create',
  objectPath: 'estimates/estimates',
  resultKey: 'estimate',
  examplePayload: example,
});
