import { defineTrigger } from '../../../sdk/index.js';
import { candidateStageChange } from '../fixtures/events.js';
import { ASHBY_WEBHOOKS_DOCS, ashbyWebhook, type AshbyParams } from '../webhooks.js';

export const candidateStageChangedTrigger = defineTrigger<AshbyParams>({
  type: 'ASHBY_TRIGGER_CANDIDATE_STAGE_CHANGED',
  title: 'Candidate stage changed',
  description:
    'Fires when an application moves to another interview stage, a hire included (webhook `candidateStageChange`). Delivers `{action, data: {application}}` with the new `currentInterviewStage`.',
  parameters: [],
  examplePayload: candidateStageChange,
  docsUrl: ASHBY_WEBHOOKS_DOCS,
  source: ashbyWebhook('candidateStageChange'),
});
