import { defineTrigger } from '../../../sdk/index.js';
import project from '../fixtures/project.json' with { type: 'json' };
import { created, pollList } from '../poll.js';
import { clientIdParameter, filtersOf, type ProjectClientParams } from './params.js';

export const projectCreatedTrigger = defineTrigger<Pick<ProjectClientParams, 'clientId'>>({
  type: 'HARVEST_TRIGGER_PROJECT_CREATED',
  title: 'Project created',
  description: 'Fires once for each new project (optionally only of one client). Polls GET /v2/projects by update time.',
  parameters: [clientIdParameter],
  examplePayload: project,
  docsUrl: 'https://help.getharvest.com/api-v2/projects-api/projects/projects/',
  source: {
    kind: 'poll',
    poll: (ctx) => pollList(ctx, { path: '/projects', collection: 'projects', filters: filtersOf({ clientId: ctx.params.clientId }) }, created),
  },
});
