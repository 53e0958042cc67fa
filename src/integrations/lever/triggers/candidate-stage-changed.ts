import { defineTrigger } from '../../../sdk/index.js';
import { candidateStageChange } from '../fixtures/events.js';
import { leverWebhook } from '../webhooks.js';

/** Lever stage ids: UUIDs, or the built-in slugs such as `lead-new` and `applicant-new`. */
const STAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

export function validStageId(value: unknown): string | null {
  return typeof value === 'string' && STAGE_ID.test(value)
    ? null
    : 'must be a Lever stage id (letters, digits, "-" or "_", e.g. 7c2690d8-6308-4ed9-ae2a-cbfe7db26593 or applicant-new), as GET /stages lists them';
}

/** With `toStageId`, only moves into that stage are delivered. */
export function entersStage(data: Record<string, unknown>, params: { toStageId?: unknown }): boolean {
  return typeof params.toStageId !== 'string' || data.toStageId === params.toStageId;
}

export const candidateStageChangedTrigger = defineTrigger<{ toStageId?: string }>({
  type: 'LEVER_TRIGGER_CANDIDATE_STAGE_CHANGED',
  title: 'Candidate stage changed',
  description:
    'Fires when a candidate moves from one stage to another in Lever (webhook event `candidateStageChange`), optionally only when they enter one stage. Delivers `{id, event, triggeredAt, data}`; `data.fromStageId` and `data.toStageId` name the stages.',
  parameters: [
    {
      id: 'toStageId',
      title: 'Into stage',
      type: 'TEXT',
      required: false,
      description: 'Only deliver moves into this stage (a stage id from GET /stages). Leave empty for every stage change.',
      validate: validStageId,
    },
  ],
  examplePayload: candidateStageChange,
  docsUrl: 'https://hire.lever.co/developer/documentation#webhooks',
  source: leverWebhook<{ toStageId?: string }>({ event: 'candidateStageChange', accept: entersStage }),
});
