import { defineTrigger } from '../../../sdk/index.js';
import { interviewScheduleCreate } from '../fixtures/events.js';
import { ASHBY_WEBHOOKS_DOCS, ashbyWebhook, type AshbyParams } from '../webhooks.js';

export const interviewScheduleCreatedTrigger = defineTrigger<AshbyParams>({
  type: 'ASHBY_TRIGGER_INTERVIEW_SCHEDULE_CREATED',
  title: 'Interview schedule created',
  description:
    'Fires when an interview schedule is created for an application (webhook `interviewScheduleCreate`). Delivers `{action, data: {interviewSchedule}}`: its `status`, `applicationId`, `interviewStageId`, `scheduledBy` and `interviewEvents` (start and end times, interviewers, meeting link).',
  parameters: [],
  examplePayload: interviewScheduleCreate,
  docsUrl: ASHBY_WEBHOOKS_DOCS,
  source: ashbyWebhook('interviewScheduleCreate'),
});
