/// <reference lib="dom" />
// The catalog: every integration of this project and its triggers, with parameters and an example payload.
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Badge, Empty, ErrorBox, JsonBlock, Loading, useAsync } from '../components.js';
import { loadCatalog } from '../catalog-cache.js';
import type { PageProps } from '../main.js';

const AUTH_LABELS: Record<string, string> = { oauth2: 'OAuth 2', apiKey: 'API key', clientCredentials: 'client credentials' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function CatalogPage(props: PageProps) {
  const catalog = useAsync(() => loadCatalog(props.projectId), [props.projectId]);
  const [q, setQ] = useState('');
  if (catalog.error) return h('div', { class: 'page' }, h('h1', null, 'Catalog'), h(ErrorBox, { message: catalog.error, onRetry: catalog.reload }));
  if (!catalog.data) return h('div', { class: 'page' }, h('h1', null, 'Catalog'), h(Loading, { what: 'the catalog' }));
  const needle = q.trim().toLowerCase();
  const matches = (s: string) => s.toLowerCase().includes(needle);
  const integrations = catalog.data.integrations
    .map((i) => ({ ...i, triggers: needle === '' || matches(i.name) || matches(i.key) ? i.triggers : i.triggers.filter((t) => matches(t.title) || matches(t.type) || matches(t.description)) }))
    .filter((i) => i.triggers.length > 0 || (needle !== '' && matches(i.name)));
  const total = catalog.data.integrations.reduce((n, i) => n + i.triggers.length, 0);

  return h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('h1', null, 'Catalog'),
      h('span', { class: 'muted small' }, `${plural(catalog.data.integrations.length, 'integration')} · ${plural(total, 'trigger')}`)),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field grow' },
        h('label', { for: 'catalog-search' }, 'Search triggers'),
        h('input', { id: 'catalog-search', type: 'search', value: q, placeholder: 'e.g. message, issue, SLACK_TRIGGER…', onInput: (e: Event) => setQ((e.currentTarget as HTMLInputElement).value) }))),
    integrations.length === 0 ? h(Empty, { title: needle ? `Nothing matches “${q}”` : 'The catalog is empty' }) : null,
    integrations.length > 1 && needle === ''
      ? h('nav', { class: 'jump', 'aria-label': 'Integrations' }, integrations.map((i) => h('a', { key: i.key, href: `#int-${i.key}` }, i.name)))
      : null,
    integrations.map((i) => h('section', { key: i.key, class: 'card', id: `int-${i.key}`, 'aria-labelledby': `int-${i.key}-h` },
      h('div', { class: 'card-head' },
        h('h2', { id: `int-${i.key}-h` }, i.name, ' ', h('span', { class: 'mono muted small' }, i.key)),
        h('div', { class: 'card-actions' },
          i.authKinds.map((k) => h(Badge, { key: k }, AUTH_LABELS[k] ?? k)),
          i.appWebhook ? h(Badge, { kind: 'info' }, 'app webhook') : null)),
      i.triggers.map((t) => h('details', { key: t.type, class: 'catalog-trigger' },
        h('summary', null,
          h('span', { class: 'trigger-title' }, t.title), ' ',
          h(Badge, { kind: t.triggerModel === 'POLLING' ? 'neutral' : 'info' }, t.triggerModel === 'POLLING' ? 'polling' : 'webhook'), ' ',
          h('span', { class: 'mono muted small' }, t.type)),
        h('p', null, t.description),
        t.parameters.length === 0 ? h('p', { class: 'muted small' }, 'No parameters.')
          : h('div', { class: 'table-wrap' }, h('table', { class: 'params-table' },
            h('caption', { class: 'sr-only' }, `Parameters of ${t.title}`),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Parameter'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Required'), h('th', { scope: 'col' }, 'Description'))),
            h('tbody', null, t.parameters.map((p) => h('tr', { key: p.id },
              h('td', null, h('span', { class: 'mono' }, p.id), h('div', { class: 'small muted' }, p.title)),
              h('td', { class: 'mono small' }, p.type, p.values ? h('div', { class: 'small muted' }, p.values.map((v) => v.value).join(', ')) : null),
              h('td', null, p.required ? 'yes' : 'no'),
              h('td', { class: 'small' }, p.description ?? '')))))),
        h(JsonBlock, { label: `Example payload of ${t.type}`, value: t.examplePayload }))))));
}
