import { defineTrigger } from '../../../sdk/index.js';
import offer from '../fixtures/offer.json' with { type: 'json' };
import { created, pollList } from '../poll.js';
import { jobFilter, jobIdParameter, type JobParams } from './params.js';

export const offerCreatedTrigger = defineTrigger<JobParams>({
  type: 'GREENHOUSE_TRIGGER_OFFER_CREATED',
  title: 'Offer created',
  description:
    'Fires once for each new offer row, optionally only for one job. Greenhouse versions offers: changing the start ' +
    'date, the opening or a versioned custom field makes a new offer (same application, higher `version`), which ' +
    'fires too. Polls GET /v3/offers by `created_at`.',
  parameters: [jobIdParameter],
  examplePayload: offer,
  docsUrl: 'https://harvestdocs.greenhouse.io/reference/get_v3-offers',
  source: { kind: 'poll', poll: (ctx) => pollList(ctx, { path: '/offers', field: 'created_at', filters: jobFilter(ctx.params), select: created }) },
});
