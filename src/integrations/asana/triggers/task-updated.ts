import { task } from '../fixtures/events.js';
import { asanaTaskTrigger, asanaTime } from './factory.js';

/**
 * Any change to a task of the project (action `changed`). Several changes saved together arrive as several
 * events but leave one `modified_at`, so they become one event carrying the task's current state.
 */
export const taskUpdated = asanaTaskTrigger({
  type: 'ASANA_TRIGGER_TASK_UPDATED',
  title: 'Task updated',
  description: 'Fires when a task in an Asana project changes (name, assignee, due date, completion, custom fields, …). Delivers the task as GET /tasks/{task_gid} returns it after the change.',
  docsUrl: 'https://developers.asana.com/docs/webhooks-guide',
  examplePayload: { ...task, name: 'Buy catnip and a laser pointer', modified_at: '2012-02-22T09:30:12.004Z' },
  filters: [{ resource_type: 'task', action: 'changed' }],
  selects: (event) => event.action === 'changed',
  toItem: (t, event) => {
    const version = typeof t.modified_at === 'string' ? t.modified_at : String(event.created_at);
    const occurredAt = asanaTime(t.modified_at);
    return { key: `task:${t.gid}:modified:${version}`, payload: t, ...(occurredAt !== undefined ? { occurredAt } : {}) };
  },
});
