import { task } from '../fixtures/events.js';
import { asanaTaskTrigger, asanaTime } from './factory.js';

/**
 * A task created in (or added to) the project: Asana reports it as action `added` on the task with the
 * project as `parent`. Subtasks added to a task and tasks added to sections are not this event.
 */
export const taskCreated = asanaTaskTrigger({
  type: 'ASANA_TRIGGER_TASK_CREATED',
  title: 'Task created',
  description: 'Fires when a task is created in, or added to, an Asana project. Delivers the task as GET /tasks/{task_gid} returns it.',
  docsUrl: 'https://developers.asana.com/docs/webhooks-guide',
  examplePayload: task,
  filters: [{ resource_type: 'task', action: 'added' }],
  selects: (event, projectGid) =>
    event.action === 'added' && event.parent?.resource_type === 'project' && event.parent.gid === projectGid,
  toItem: (t) => {
    const occurredAt = asanaTime(t.created_at);
    return { key: `task:${t.gid}:added`, payload: t, ...(occurredAt !== undefined ? { occurredAt } : {}) };
  },
});
