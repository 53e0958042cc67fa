import todoCompleted from '../fixtures/todo-completed.json' with { type: 'json' };
import { projectIdParameter, todolistIdParameter } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const todoCompletedTrigger = webhookTrigger({
  type: 'BASECAMP_TRIGGER_TODO_COMPLETED',
  title: 'To-do completed',
  description:
    'Fires when a to-do of the project is marked complete (webhook type `Todo`, event `todo_completed`); a to-do reopened and completed again fires again. With `todolistId`, only to-dos of that list. Delivers `{id, kind: "todo_completed", created_at, recording: {id, title, type: "Todo", parent, bucket, …}, creator}` where `creator` is who completed it.',
  parameters: [projectIdParameter, todolistIdParameter],
  recordingType: 'Todo',
  kind: 'todo_completed',
  keyBy: 'event',
  usesTodolist: true,
  examplePayload: todoCompleted,
});
