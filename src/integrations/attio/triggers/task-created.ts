import { defineTrigger } from '../../../sdk/index.js';
import { examples } from '../fixtures/events.js';
import { attioWebhook, readPaths, type AttioParams } from '../webhooks.js';

export const taskCreatedTrigger = defineTrigger<AttioParams>({
  type: 'ATTIO_TRIGGER_TASK_CREATED',
  title: 'Task created',
  description:
    'Fires when a task is created in Attio (webhook event `task.created`). Delivers `{webhook_id, event, task}` with the task (content, deadline, assignees, linked records) read back from the API.',
  parameters: [],
  examplePayload: examples.taskCreated,
  docsUrl: 'https://docs.attio.com/rest-api/webhook-reference/task-events/taskcreated',
  source: attioWebhook({
    eventType: 'task.created',
    field: 'task',
    keyOf: (e) => (typeof e.id?.task_id === 'string' && e.id.task_id !== '' ? e.id.task_id : null),
    readPath: readPaths.task,
  }),
});
