/// <reference lib="dom" />
// The optional webhook override of a subscription form: where this subscription's events go instead of the
// project webhook URL, extra headers, and metadata echoed in every envelope (SPEC §3, `webhookOverride`).
// Edited as text (a URL, `Name: value` lines, a JSON object) and turned into the API's object here, so a
// mistake is named next to its field before anything is sent.
import { h, type ComponentChildren } from 'preact';
import type { Subscription } from './types.js';

type Override = NonNullable<Subscription['webhookOverride']>;

export interface OverrideText {
  url: string;
  headers: string;
  metadata: string;
}

export type OverrideField = keyof OverrideText;

export function overrideText(o: Subscription['webhookOverride'] | null | undefined): OverrideText {
  return {
    url: o?.url ?? '',
    headers: Object.entries(o?.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n'),
    metadata: o?.metadata && Object.keys(o.metadata).length > 0 ? JSON.stringify(o.metadata, null, 2) : '',
  };
}

/** The override the text describes (null: none), or the message for each field that is wrong. */
export function parseOverride(t: OverrideText): { override: Override | null } | { errors: Partial<Record<OverrideField, string>> } {
  const errors: Partial<Record<OverrideField, string>> = {};
  const headers: Record<string, string> = {};
  t.headers.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) errors.headers ??= `Line ${i + 1} is not “Name: value”.`;
    else headers[name] = line.slice(colon + 1).trim();
  });
  let metadata: Record<string, unknown> | undefined;
  if (t.metadata.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(t.metadata);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) errors.metadata = 'Metadata must be a JSON object, e.g. {"tenant": "acme"}.';
      else metadata = parsed as Record<string, unknown>;
    } catch (err) {
      errors.metadata = `Metadata is not valid JSON: ${(err as Error).message}`;
    }
  }
  const url = t.url.trim();
  const hasExtras = Object.keys(headers).length > 0 || metadata !== undefined;
  if (url === '' && hasExtras) errors.url = 'A URL is needed for headers or metadata to apply.';
  if (Object.keys(errors).length > 0) return { errors };
  if (url === '') return { override: null };
  return { override: { url, ...(Object.keys(headers).length > 0 ? { headers } : {}), ...(metadata !== undefined ? { metadata } : {}) } };
}

export function OverrideFields(props: {
  idPrefix: string;
  value: OverrideText;
  errors: Partial<Record<OverrideField, string>>;
  open: boolean;
  onChange: (v: OverrideText) => void;
}) {
  const field = (key: OverrideField, label: string, hint: string, control: (common: Record<string, unknown>) => ComponentChildren) => {
    const id = `${props.idPrefix}-override-${key}`;
    const err = props.errors[key];
    const common = {
      id,
      value: props.value[key],
      'aria-invalid': err ? 'true' : undefined,
      'aria-describedby': `${id}-desc${err ? ` ${id}-err` : ''}`,
      onInput: (e: Event) => props.onChange({ ...props.value, [key]: (e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value }),
    };
    return h('div', { class: 'field' },
      h('label', { for: id }, label, h('span', { class: 'muted' }, ' (optional)')),
      h('p', { class: 'hint', id: `${id}-desc` }, hint),
      control(common),
      err ? h('p', { class: 'field-error', id: `${id}-err`, role: 'alert' }, err) : null);
  };
  return h('details', { class: 'override-fields', open: props.open },
    h('summary', null, 'Webhook override'),
    field('url', 'Deliver to', 'This subscription’s events go here instead of the project webhook URL.', (c) =>
      h('input', { ...c, type: 'url', class: 'mono', placeholder: 'https://example.com/hooks/acme' })),
    field('headers', 'Extra headers', 'One “Name: value” per line, sent with every delivery (signature headers cannot be replaced).', (c) =>
      h('textarea', { ...c, rows: 2, class: 'mono', placeholder: 'X-Tenant: acme' })),
    field('metadata', 'Metadata', 'A JSON object, delivered as triggerSubscriptionMetadata in every event.', (c) =>
      h('textarea', { ...c, rows: 3, class: 'mono', placeholder: '{"tenant": "acme"}' })));
}
