import project from '../fixtures/project.json' with { type: 'json' };
import { clockifyId } from '../api.js';
import { clockifyTrigger } from './factory.js';

export const projectCreatedTrigger = clockifyTrigger(
  'CLOCKIFY_TRIGGER_PROJECT_CREATED',
  { event: 'NEW_PROJECT', keyOf: (body) => clockifyId(body.id) },
  'Project created',
  'Fires when a project is created in the workspace (Clockify webhook event `NEW_PROJECT`). Delivers the project as Clockify sends it.',
  project,
);
