import todoCreated from '../fixtures/todo-created.json' with { type: 'json' };
import { projectIdParameter, todolistIdParameter } from '../webhooks.js';
import { webhookTrigger } from './factory.js';

export const todoCreatedTrigger = webhookTrigger({
  type: 'BASECAMP_TRIGGER_TODO_CREATED',
  title: 'To-do created',
  description:
    'Fires when a to-do is created in the project (webhook type `Todo`, event `todo_created`). With `todolistId`, only to-dos of that list. Delivers `{id, kind: "todo_created", created_at, recording: {id, title, content, type: "Todo", parent: {id, title, type: "Todolist"}, bucket, creator, url, app_url, …}, creator}` (Basecamp\'s generic recording: no `completed`, `assignees` or `description`).',
  parameters: [projectIdParameter, todolistIdParameter],
  recordingType: 'Todo',
  kind: 'todo_created',
  keyBy: 'recording',
  usesTodolist: true,
  examplePayload: todoCreated,
});
