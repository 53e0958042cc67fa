// Every Todoist trigger is one webhook event name, optionally narrowed to one project. The delivered payload is
// Todoist's whole webhook body (event_name, user_id, event_data, initiator, triggered_at, version and, for
// item:updated, event_data_extra), so a workflow sees who made the change and what it was before.
import { defineTrigger, type AnyTriggerDefinition, type AppEvent, type Item, type ParameterDefinition } from '../../../sdk/index.js';
import type { TodoistWebhookBody } from '../webhook.js';

export interface TodoistParams {
  projectId?: string;
}

/** Todoist ids: API v1's alphanumeric ids (`6Jf8VQXxpwv56VQ7`) and the older numeric ones, as strings. */
const TODOIST_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function validateProjectId(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') return 'projectId must be a Todoist project id given as a string, e.g. "6Jf8VQXxpwv56VQ7"';
  if (!TODOIST_ID.test(value)) return `projectId "${value.slice(0, 80)}" is not a Todoist project id (letters, digits, "-" and "_" only, e.g. "6Jf8VQXxpwv56VQ7")`;
  return null;
}

export const projectIdParameter: ParameterDefinition = {
  id: 'projectId',
  title: 'Project ID',
  type: 'TEXT',
  required: false,
  description: 'Only events in this project (its id as Todoist\'s API shows it, e.g. GET /api/v1/projects); empty: every project.',
  placeholder: '6Jf8VQXxpwv56VQ7',
  validate: validateProjectId,
};

/** Epoch ms of `triggered_at` (RFC 3339 with microseconds), when present and valid. */
export function triggeredAtMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function eventItem(event: AppEvent): Item {
  const occurredAt = triggeredAtMs((event.event as TodoistWebhookBody).triggered_at);
  return { key: event.deliveryId, payload: event.event, ...(occurredAt !== undefined ? { occurredAt } : {}) };
}

export interface TodoistTriggerSpec {
  type: string;
  title: string;
  description: string;
  eventName: string;
  examplePayload: unknown;
  /** Offer the projectId filter (event_data.project_id). */
  projectFilter: boolean;
}

export function todoistTrigger(spec: TodoistTriggerSpec): AnyTriggerDefinition {
  return defineTrigger<TodoistParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: spec.projectFilter ? [projectIdParameter] : [],
    examplePayload: spec.examplePayload,
    docsUrl: 'https://developer.todoist.com/api/v1/#tag/Webhooks',
    source: {
      kind: 'appWebhook',
      match(event, params): Item[] {
        if (event.eventType !== spec.eventName) return [];
        if (spec.projectFilter && params.projectId) {
          const data = (event.event as TodoistWebhookBody).event_data;
          const projectId = typeof data.project_id === 'number' ? String(data.project_id) : data.project_id;
          if (projectId !== params.projectId) return [];
        }
        return [eventItem(event)];
      },
    },
  });
}
