import { defineTrigger } from '../../../sdk/index.js';
import responseDetails from '../fixtures/response-details.json' with { type: 'json' };
import responseEvent from '../fixtures/response-event.json' with { type: 'json' };
import surveyCreatedEvent from '../fixtures/survey-created-event.json' with { type: 'json' };
import survey from '../fixtures/survey.json' with { type: 'json' };
import { surveyMonkeyWebhook, type SurveyMonkeyEvent, type SurveyMonkeyParams } from '../webhooks.js';
import { surveyIdParameter } from './params.js';

/** One SurveyMonkey webhook trigger: the event, its title and description. */
export function surveyMonkeyTrigger(type: string, event: SurveyMonkeyEvent, title: string, description: string) {
  const perSurvey = event !== 'survey_created';
  return defineTrigger<SurveyMonkeyParams>({
    type,
    title,
    description,
    parameters: perSurvey ? [surveyIdParameter] : [],
    examplePayload: perSurvey
      ? { event: { ...responseEvent, event_type: event }, response: { ...responseDetails, response_status: event === 'response_completed' ? 'completed' : 'partial' } }
      : { event: surveyCreatedEvent, survey },
    docsUrl: 'https://api.surveymonkey.com/v3/docs#webhooks',
    source: surveyMonkeyWebhook(event),
  });
}
