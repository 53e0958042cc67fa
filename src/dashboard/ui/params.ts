/// <reference lib="dom" />
// A form generated from a trigger's Paragon parameter list, including the CONDITIONAL filter builder
// ({operator: 'AND'|'OR', conditions: [{field, operator, value} | group…]}), and the equivalent API call.
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { CopyButton } from './components.js';
import type { ParameterDef } from './types.js';

export type Values = Record<string, unknown>;

// ── filter model ───────────────────────────────────────────────────────────────────────────────────────

export interface FilterCondition {
  field: string;
  operator: string;
  value?: unknown;
}
export interface FilterGroup {
  operator: 'AND' | 'OR';
  conditions: Array<FilterCondition | FilterGroup>;
}
const isGroup = (c: FilterCondition | FilterGroup): c is FilterGroup => 'conditions' in c;

type ValueKind = 'string' | 'list' | 'number' | 'dateTime' | 'none';

/** What value an operator takes, from Paragon's `$<type><Verb>` naming (src/sdk/filters.ts). */
export function operatorKind(op: string): ValueKind {
  if (op === '$stringIsIn' || op === '$stringIsNotIn') return 'list';
  if (op.startsWith('$string')) return 'string';
  if (op.startsWith('$number')) return 'number';
  if (op.startsWith('$dateTime')) return 'dateTime';
  return 'none';
}

/** "$numberGreaterThanOrEqualTo" → "number: greater than or equal to". */
export function operatorLabel(op: string): string {
  const m = /^\$(string|number|dateTime|boolean)?(.*)$/.exec(op);
  const kind = m?.[1];
  const words = (m?.[2] ?? op).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const prefix = kind === 'string' ? 'text' : kind === 'dateTime' ? 'date' : kind === 'boolean' ? 'is' : kind;
  return prefix ? `${prefix}: ${words}` : words;
}

/** A filter in words: `title contains "urgent" AND (priority number greater than 2 OR …)`. */
export function describeFilter(v: unknown, nested = false): string {
  const g = asGroup(v);
  if (!g || g.conditions.length === 0) return 'none';
  const parts = g.conditions.map((c) => {
    if (isGroup(c)) return describeFilter(c, true);
    const words = operatorLabel(c.operator).replace(/^(text|number|date|is): /, '');
    return operatorKind(c.operator) === 'none' ? `${c.field} ${words}` : `${c.field} ${words} ${JSON.stringify(c.value)}`;
  });
  const text = parts.join(` ${g.operator} `);
  return nested && parts.length > 1 ? `(${text})` : text;
}

function cleanCondition(c: FilterCondition): FilterCondition {
  const kind = operatorKind(c.operator);
  if (kind === 'none') return { field: c.field.trim(), operator: c.operator };
  let value = c.value;
  if (kind === 'number' && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) value = Number(value);
  return { field: c.field.trim(), operator: c.operator, value };
}

/** The filter as the API wants it; empty groups dropped; undefined when nothing is left. */
export function cleanFilter(g: FilterGroup | undefined): FilterGroup | undefined {
  if (!g) return undefined;
  const conditions = g.conditions
    .map((c) => (isGroup(c) ? cleanFilter(c) : cleanCondition(c)))
    .filter((c): c is FilterCondition | FilterGroup => c !== undefined);
  return conditions.length === 0 ? undefined : { operator: g.operator, conditions };
}

function asGroup(v: unknown): FilterGroup | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if ('field' in o) return { operator: 'AND', conditions: [o as unknown as FilterCondition] };
  if (Array.isArray(o.conditions)) {
    return {
      operator: String(o.operator).toUpperCase() === 'OR' ? 'OR' : 'AND',
      conditions: (o.conditions as unknown[]).map((c) => {
        const cg = c as Record<string, unknown>;
        return 'conditions' in cg ? (asGroup(cg) ?? { operator: 'AND', conditions: [] }) : (cg as unknown as FilterCondition);
      }),
    };
  }
  return undefined;
}

function FilterGroupEditor(props: { id: string; group: FilterGroup; operators: string[]; depth: number; onChange: (g: FilterGroup) => void; onRemove?: () => void }) {
  const g = props.group;
  const set = (i: number, c: FilterCondition | FilterGroup) => props.onChange({ ...g, conditions: g.conditions.map((x, j) => (j === i ? c : x)) });
  const remove = (i: number) => props.onChange({ ...g, conditions: g.conditions.filter((_, j) => j !== i) });
  const first = props.operators[0] ?? '$stringExactlyMatches';
  return h('fieldset', { class: `filter-group depth-${props.depth}` },
    h('legend', { class: 'sr-only' }, props.depth === 0 ? 'Filter' : 'Condition group'),
    h('div', { class: 'filter-group-head' },
      h('label', { for: `${props.id}-op` }, 'Match'),
      h('select', { id: `${props.id}-op`, value: g.operator, onChange: (e: Event) => props.onChange({ ...g, operator: (e.currentTarget as HTMLSelectElement).value === 'OR' ? 'OR' : 'AND' }) },
        h('option', { value: 'AND' }, 'ALL of (AND)'),
        h('option', { value: 'OR' }, 'ANY of (OR)')),
      h('span', { class: 'muted small' }, 'these conditions'),
      props.onRemove ? h('button', { type: 'button', class: 'btn btn-ghost btn-small', onClick: props.onRemove }, 'Remove group') : null),
    g.conditions.map((c, i) => {
      const cid = `${props.id}-${i}`;
      if (isGroup(c)) return h(FilterGroupEditor, { key: i, id: cid, group: c, operators: props.operators, depth: props.depth + 1, onChange: (n: FilterGroup) => set(i, n), onRemove: () => remove(i) });
      const kind = operatorKind(c.operator);
      return h('div', { key: i, class: 'filter-row' },
        h('div', { class: 'field' },
          h('label', { for: `${cid}-field` }, 'Field'),
          h('input', { id: `${cid}-field`, class: 'mono', value: c.field, placeholder: 'e.g. title or item.user', onInput: (e: Event) => set(i, { ...c, field: (e.currentTarget as HTMLInputElement).value }) })),
        h('div', { class: 'field' },
          h('label', { for: `${cid}-operator` }, 'Operator'),
          h('select', { id: `${cid}-operator`, value: c.operator, onChange: (e: Event) => set(i, { ...c, operator: (e.currentTarget as HTMLSelectElement).value }) },
            props.operators.map((op) => h('option', { key: op, value: op }, operatorLabel(op))))),
        kind === 'none'
          ? h('div', { class: 'field' }, h('span', { class: 'muted small no-value' }, 'no value needed'))
          : h('div', { class: 'field' },
            h('label', { for: `${cid}-value` }, 'Value'),
            h('input', {
              id: `${cid}-value`,
              value: asText(c.value),
              inputMode: kind === 'number' ? 'decimal' : undefined,
              placeholder: kind === 'list' ? 'a, b, c' : kind === 'dateTime' ? '2025-01-31T12:00:00Z' : kind === 'number' ? '0' : '',
              onInput: (e: Event) => set(i, { ...c, value: (e.currentTarget as HTMLInputElement).value }),
            })),
        h('button', { type: 'button', class: 'btn btn-ghost btn-small remove', 'aria-label': `Remove condition ${i + 1}`, onClick: () => remove(i) }, '✕'));
    }),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', onClick: () => props.onChange({ ...g, conditions: [...g.conditions, { field: '', operator: first, value: '' }] }) }, '+ Condition'),
      props.depth < 2 ? h('button', { type: 'button', class: 'btn btn-secondary btn-small', onClick: () => props.onChange({ ...g, conditions: [...g.conditions, { operator: 'AND', conditions: [{ field: '', operator: first, value: '' }] }] }) }, '+ Group') : null));
}

export function FilterBuilder(props: { id: string; value: unknown; operators: string[]; onChange: (v: FilterGroup | undefined) => void; describedBy?: string }) {
  const group = asGroup(props.value);
  if (!group || group.conditions.length === 0) {
    return h('div', { class: 'filter-empty', id: props.id },
      h('span', { class: 'muted small' }, 'No filter: every event is delivered. '),
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', onClick: () => props.onChange({ operator: 'AND', conditions: [{ field: '', operator: props.operators[0] ?? '$stringExactlyMatches', value: '' }] }) }, '+ Add a condition'));
  }
  return h('div', { id: props.id, 'aria-describedby': props.describedBy },
    h(FilterGroupEditor, { id: props.id, group, operators: props.operators, depth: 0, onChange: (g: FilterGroup) => props.onChange(g.conditions.length === 0 ? undefined : g) }));
}

/** A value shown in a text input: arrays comma-joined, objects as JSON, nothing as ''. */
function asText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => asText(x)).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

// ── the parameter form ─────────────────────────────────────────────────────────────────────────────────

export function initialValues(defs: ParameterDef[], existing?: Record<string, unknown>): Values {
  const v: Values = {};
  for (const d of defs) {
    if (existing && existing[d.id] !== undefined) v[d.id] = existing[d.id];
    else if (d.defaultValue !== undefined) v[d.id] = d.defaultValue;
  }
  return v;
}

/** Values as the API wants them: numbers as numbers, empty fields left out, filters cleaned. */
export function toParameters(defs: ParameterDef[], values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    const v = values[d.id];
    if (v === undefined || v === null || v === '') continue;
    if (d.type === 'NUMBER' && typeof v === 'string') {
      out[d.id] = v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
    } else if (d.type === 'CONDITIONAL') {
      const f = cleanFilter(asGroup(v));
      if (f) out[d.id] = f;
    } else out[d.id] = v;
  }
  return out;
}

export function ParameterFields(props: { idPrefix: string; defs: ParameterDef[]; values: Values; errors: Record<string, string>; operators: string[]; onChange: (v: Values) => void }) {
  const set = (id: string, v: unknown) => props.onChange({ ...props.values, [id]: v });
  if (props.defs.length === 0) return h('p', { class: 'muted small' }, 'This trigger takes no parameters.');
  return h('div', { class: 'param-fields' }, props.defs.map((d) => {
    const id = `${props.idPrefix}-${d.id}`;
    const err = props.errors[d.id];
    const describedBy = [d.description ? `${id}-desc` : '', err ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
    const common = { id, 'aria-invalid': err ? 'true' : undefined, 'aria-describedby': describedBy, 'aria-required': d.required ? 'true' : undefined, placeholder: d.placeholder };
    const value = props.values[d.id];
    let control;
    switch (d.type) {
      case 'TEXTAREA':
        control = h('textarea', { ...common, rows: 3, value: asText(value), onInput: (e: Event) => set(d.id, (e.currentTarget as HTMLTextAreaElement).value) });
        break;
      case 'NUMBER':
        control = h('input', { ...common, type: 'number', step: 'any', value: asText(value), onInput: (e: Event) => set(d.id, (e.currentTarget as HTMLInputElement).value) });
        break;
      case 'BOOLEAN_INPUT':
      case 'SWITCH':
        control = h('input', { ...common, type: 'checkbox', checked: value === true, onChange: (e: Event) => set(d.id, (e.currentTarget as HTMLInputElement).checked) });
        break;
      case 'ENUM':
        control = h('select', { ...common, value: asText(value), onChange: (e: Event) => set(d.id, (e.currentTarget as HTMLSelectElement).value || undefined) },
          h('option', { value: '' }, d.required ? 'Choose…' : '(none)'),
          (d.values ?? []).map((o) => h('option', { key: o.value, value: o.value }, o.label)));
        break;
      case 'CONDITIONAL':
        control = h(FilterBuilder, { id, value, operators: props.operators, onChange: (f: FilterGroup | undefined) => set(d.id, f), ...(describedBy ? { describedBy } : {}) });
        break;
      default: {
        const type = d.type === 'EMAIL' ? 'email' : d.type === 'URL' ? 'url' : d.type === 'DATE' ? 'date' : 'text';
        control = h('input', { ...common, type, value: asText(value), onInput: (e: Event) => set(d.id, (e.currentTarget as HTMLInputElement).value) });
      }
    }
    const isCheck = d.type === 'BOOLEAN_INPUT' || d.type === 'SWITCH';
    const labelText = [d.title || d.label || d.id, d.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : h('span', { class: 'muted' }, ' (optional)')];
    return h('div', { key: d.id, class: `field${isCheck ? ' field-check' : ''}${d.type === 'CONDITIONAL' ? ' field-filter' : ''}` },
      d.type === 'CONDITIONAL'
        ? h('span', { class: 'label', id: `${id}-label` }, ...labelText)
        : isCheck ? h('label', { class: 'check' }, control, ' ', ...labelText) : h('label', { for: id }, ...labelText),
      d.description ? h('p', { class: 'hint', id: `${id}-desc` }, d.description) : null,
      isCheck ? null : control,
      err ? h('p', { class: 'field-error', id: `${id}-err`, role: 'alert' }, err) : null);
  }));
}

// ── the equivalent API call ────────────────────────────────────────────────────────────────────────────

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function ApiCall(props: { method: 'POST' | 'PATCH'; url: string; body: Record<string, unknown>; credentialId?: string | undefined; userId: string; projectId: string }) {
  const [tab, setTab] = useState<'curl' | 'js'>('curl');
  const json = JSON.stringify(props.body);
  const curl = [
    `curl -X ${props.method} ${shq(props.url)} \\`,
    `  -H "Authorization: Bearer $USER_TOKEN" \\`,
    `  -H 'Content-Type: application/json' \\`,
    ...(props.credentialId ? [`  -H 'X-Paragon-Credential: ${props.credentialId}' \\`] : []),
    `  -d ${shq(json)}`,
  ].join('\n');
  const js = [
    `const res = await fetch(${JSON.stringify(props.url)}, {`,
    `  method: '${props.method}',`,
    '  headers: {',
    '    Authorization: `Bearer ${userToken}`,',
    `    'Content-Type': 'application/json',`,
    ...(props.credentialId ? [`    'X-Paragon-Credential': '${props.credentialId}',`] : []),
    '  },',
    `  body: JSON.stringify(${JSON.stringify(props.body, null, 2).replace(/\n/g, '\n  ')}),`,
    '});',
    'if (!res.ok) throw new Error((await res.json()).message);',
    'const subscription = await res.json();',
  ].join('\n');
  const text = tab === 'curl' ? curl : js;
  return h('div', { class: 'apicall' },
    h('div', { class: 'apicall-head' },
      h('div', { role: 'tablist', 'aria-label': 'API call language' },
        (['curl', 'js'] as const).map((t) => h('button', {
          key: t, type: 'button', role: 'tab', 'aria-selected': tab === t ? 'true' : 'false', class: `tab-btn${tab === t ? ' tab-btn-active' : ''}`,
          onClick: () => setTab(t),
        }, t === 'curl' ? 'curl' : 'JavaScript'))),
      h(CopyButton, { text, label: `Copy the ${tab === 'curl' ? 'curl' : 'JavaScript'} call` })),
    h('pre', { role: 'tabpanel', tabIndex: 0, class: 'code' }, h('code', null, text)),
    h('p', { class: 'hint' }, h('code', null, tab === 'curl' ? '$USER_TOKEN' : 'userToken'), ` is a JWT for user “${props.userId}” signed with one of the project's signing keys, e.g. `,
      h('code', null, `opentriggers token --project ${props.projectId} --user ${props.userId} --key private.pem`), '.'));
}
