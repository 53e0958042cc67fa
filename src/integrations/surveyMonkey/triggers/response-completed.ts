import { surveyMonkeyTrigger } from './factory.js';

export const responseCompletedTrigger = surveyMonkeyTrigger(
  'SURVEYMONKEY_TRIGGER_RESPONSE_COMPLETED',
  'response_completed',
  'Survey response completed',
  'Fires when a respondent completes a response to the given survey — SurveyMonkey `response_completed`. Delivers `{event, response}`: the callback and the response with its answers (`GET /surveys/{id}/responses/{id}/details`, which needs the View Response Details scope).',
);
