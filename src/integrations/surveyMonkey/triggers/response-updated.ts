import { surveyMonkeyTrigger } from './factory.js';

export const responseUpdatedTrigger = surveyMonkeyTrigger(
  'SURVEYMONKEY_TRIGGER_RESPONSE_UPDATED',
  'response_updated',
  'Survey response updated',
  'Fires when a response to the given survey is updated (SurveyMonkey sends one per page a respondent submits) — SurveyMonkey `response_updated`. Delivers `{event, response}` with the response as it is when read.',
);
