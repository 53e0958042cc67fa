// Task created / updated / completed in a Microsoft To Do list: one Graph subscription on
// `/me/todo/lists/{listId}/tasks` per trigger subscription, through the shared Graph helper
// (src/sdk/providers/microsoft-graph.ts). Notifications are thin: each names a task, which is fetched and kept when
// the trigger's rule says so. Lifecycle events and the backstop sync read the list's todoTask delta query from the
// deltaLink kept in the subscription state.
import { defineTrigger } from '../../../sdk/index.js';
import { graphWebhookSource } from '../../../sdk/providers/microsoft-graph.js';
import task from '../fixtures/todo-task.json' with { type: 'json' };
import {
  TODO_MAX_LIFETIME_MINUTES,
  completedItem,
  createdItem,
  fetchTask,
  listIdParameter,
  readTaskChanges,
  startTaskCursor,
  tasksResource,
  updatedItem,
  type ListParams,
  type TaskRule,
} from '../tasks.js';

const DOCS = 'https://learn.microsoft.com/graph/api/resources/todotask';

function taskTrigger(type: string, title: string, description: string, changeType: 'created' | 'updated', rule: TaskRule) {
  return defineTrigger<ListParams>({
    type,
    title,
    description,
    parameters: [listIdParameter],
    examplePayload: task,
    docsUrl: DOCS,
    source: graphWebhookSource<ListParams>({
      resource: tasksResource,
      changeType,
      maxLifetimeMinutes: TODO_MAX_LIFETIME_MINUTES,
      async fetch(n, ctx) {
        const t = await fetchTask(ctx.http, ctx.params, n);
        return t ? rule(t, Number(ctx.state.baselineAt) || 0) : null;
      },
      startCursor: (ctx, baselineAt) => startTaskCursor(ctx.http, ctx.params, baselineAt),
      async catchUp(ctx, cursor, baselineAt) {
        const r = await readTaskChanges(ctx.http, ctx.params, cursor, baselineAt, ctx.now());
        return { items: r.tasks.map((t) => rule(t, baselineAt)).filter((i) => i !== null), cursor: r.cursor };
      },
    }),
  });
}

export const taskCreated = taskTrigger(
  'MICROSOFT_TODO_TRIGGER_TASK_CREATED', 'Task created',
  'Fires once when a task is created in a Microsoft To Do list. Delivers the todoTask.',
  'created', createdItem,
);

export const taskUpdated = taskTrigger(
  'MICROSOFT_TODO_TRIGGER_TASK_UPDATED', 'Task updated',
  'Fires for each new version (lastModifiedDateTime) of an existing task in a Microsoft To Do list, completion included. Delivers the todoTask.',
  'updated', updatedItem,
);

export const taskCompleted = taskTrigger(
  'MICROSOFT_TODO_TRIGGER_TASK_COMPLETED', 'Task completed',
  'Fires once when a task of a Microsoft To Do list is marked completed (status completed; again if it is reopened and completed on another day). Delivers the todoTask.',
  'updated', completedItem,
);
