import { surveyMonkeyTrigger } from './factory.js';

export const surveyCreatedTrigger = surveyMonkeyTrigger(
  'SURVEYMONKEY_TRIGGER_SURVEY_CREATED',
  'survey_created',
  'Survey created',
  'Fires when a survey is created in the connected account — SurveyMonkey `survey_created`. Delivers `{event, survey}`: the callback and the survey (`GET /surveys/{id}`).',
);
