import { completedTask } from '../fixtures/events.js';
import { asanaTaskTrigger, asanaTime } from './factory.js';

/**
 * Asana has no "completed" action: completion is a `changed` event whose `change.field` is `completed`, and
 * compact webhook events do not carry the new value. The task is fetched and only a task that IS completed
 * produces an event (un-completing fires nothing); completing it again later is a new `completed_at`.
 */
export const taskCompleted = asanaTaskTrigger({
  type: 'ASANA_TRIGGER_TASK_COMPLETED',
  title: 'Task completed',
  description: 'Fires when a task in an Asana project is marked complete. Delivers the task as GET /tasks/{task_gid} returns it.',
  docsUrl: 'https://developers.asana.com/docs/webhooks-guide',
  examplePayload: completedTask,
  filters: [{ resource_type: 'task', action: 'changed', fields: ['completed'] }],
  selects: (event) => event.action === 'changed' && event.change?.field === 'completed',
  toItem: (t) => {
    if (t.completed !== true) return null;
    const version = typeof t.completed_at === 'string' ? t.completed_at : String(t.modified_at);
    const occurredAt = asanaTime(t.completed_at);
    return { key: `task:${t.gid}:completed:${version}`, payload: t, ...(occurredAt !== undefined ? { occurredAt } : {}) };
  },
});
