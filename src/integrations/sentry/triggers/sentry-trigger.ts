// One Sentry trigger per (resource, action): it matches the app event of that kind, keeps the installation's
// events that pass its parameters, and delivers Sentry's whole webhook body (action, actor, data, installation).
import { defineTrigger, type AnyTriggerDefinition, type AppEvent, type Item, type ParameterDefinition } from '../../../sdk/index.js';
import type { SentryEvent } from '../webhook.js';

export interface SentryTriggerSpec {
  type: string;
  title: string;
  description: string;
  resource: 'issue' | 'event_alert' | 'metric_alert';
  /** The body's `action` values this trigger fires on; a parameter may narrow them (`actionParam`). */
  actions: readonly string[];
  parameters: ParameterDefinition[];
  /** The parameter whose value is the only action wanted (metric alert severity). */
  actionParam?: string;
  /** The item key from the body and the delivery id; undefined when the body lacks what the key needs. */
  key(body: Record<string, unknown>, deliveryId: string): string | undefined;
  /** Extra filtering by parameters (project slug). */
  accepts?(body: Record<string, unknown>, params: Record<string, unknown>): boolean;
  examplePayload: unknown;
  docsUrl: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** `data.<name>` of a webhook body, when it is an object. */
export function dataObject(body: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const data = body.data as Record<string, unknown> | null | undefined;
  const v = data && typeof data === 'object' ? data[name] : undefined;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export const field = (obj: Record<string, unknown> | undefined, name: string): string | undefined => (obj ? str(obj[name]) : undefined);

export function sentryTrigger(spec: SentryTriggerSpec): AnyTriggerDefinition {
  return defineTrigger<Record<string, unknown>>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: spec.parameters,
    examplePayload: spec.examplePayload,
    docsUrl: spec.docsUrl,
    source: {
      kind: 'appWebhook',
      match(appEvent: AppEvent, params): Item[] {
        const e = appEvent.event as SentryEvent;
        if (e.resource !== spec.resource || !spec.actions.includes(e.action)) return [];
        if (spec.actionParam !== undefined) {
          const wanted = params[spec.actionParam] ?? spec.parameters.find((p) => p.id === spec.actionParam)?.defaultValue;
          if (typeof wanted === 'string' && wanted !== '' && wanted !== e.action) return [];
        }
        if (spec.accepts && !spec.accepts(e.body, params)) return [];
        const key = spec.key(e.body, appEvent.deliveryId);
        return key === undefined ? [] : [{ key, payload: e.body }];
      },
    },
  });
}

/** Sentry project slugs: lower-case letters, digits, `-` and `_`. */
const PROJECT_SLUG = /^[a-z0-9_-]{1,100}$/;

export const projectSlugParameter: ParameterDefinition = {
  id: 'projectSlug',
  title: 'Project',
  type: 'TEXT',
  required: false,
  description: 'Only issues of this Sentry project (its slug, e.g. "front-end"); leave empty for every project the installation sees.',
  validate: (v) => (typeof v === 'string' && PROJECT_SLUG.test(v) ? null : 'must be a Sentry project slug (lower-case letters, digits, "-" and "_")'),
};

/** Issue webhooks: `data.issue.project.slug` must equal the `projectSlug` parameter when one is set. */
export function issueInProject(body: Record<string, unknown>, params: Record<string, unknown>): boolean {
  const wanted = params.projectSlug;
  if (typeof wanted !== 'string' || wanted === '') return true;
  const project = dataObject(body, 'issue')?.project as Record<string, unknown> | undefined;
  return project !== null && typeof project === 'object' && project.slug === wanted;
}
