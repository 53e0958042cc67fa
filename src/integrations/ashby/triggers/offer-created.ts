import { defineTrigger } from '../../../sdk/index.js';
import { offerCreate } from '../fixtures/events.js';
import { ASHBY_WEBHOOKS_DOCS, ashbyWebhook, type AshbyParams } from '../webhooks.js';

export const offerCreatedTrigger = defineTrigger<AshbyParams>({
  type: 'ASHBY_TRIGGER_OFFER_CREATED',
  title: 'Offer created',
  description:
    'Fires when an offer process is started for a candidate (webhook `offerCreate`). Delivers `{action, data: {offer}}`: the offer with `applicationId`, `offerStatus`, `acceptanceStatus` and its `latestVersion` (start date, salary, opening).',
  parameters: [],
  examplePayload: offerCreate,
  docsUrl: ASHBY_WEBHOOKS_DOCS,
  source: ashbyWebhook('offerCreate'),
});
