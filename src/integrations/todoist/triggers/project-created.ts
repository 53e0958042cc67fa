import example from '../fixtures/project-added.json' with { type: 'json' };
import { todoistTrigger } from './event-trigger.js';

export const projectCreated = todoistTrigger({
  type: 'TODOIST_TRIGGER_PROJECT_CREATED',
  title: 'Project Created',
  description: 'Trigger when a project is added (project:added).',
  eventName: 'project:added',
  examplePayload: example,
  projectFilter: false,
});
