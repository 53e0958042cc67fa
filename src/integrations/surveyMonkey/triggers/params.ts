import type { ParameterDefinition } from '../../../sdk/index.js';

export const surveyIdParameter: ParameterDefinition = {
  id: 'surveyId',
  title: 'Survey ID',
  type: 'TEXT',
  required: true,
  description: 'The SurveyMonkey survey whose responses fire the trigger: its id (digits), as `GET /surveys` lists it.',
  validate: (value) => (typeof value === 'string' && /^\d{1,20}$/.test(value) ? null : 'must be a SurveyMonkey survey id (digits)'),
};
