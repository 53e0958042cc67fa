/// <reference lib="dom" />
// Choose or create a project. The first visit after sign-in lands here and goes on to the last project used.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ADMIN, api, ApiError, errorMessage } from '../api.js';
import { Button, Empty, Time, toast } from '../components.js';
import { BASE, Link, navigate, projectPath, useLocation } from '../router.js';
import type { Project } from '../types.js';
import { checkWebhookUrl } from './settings.js';

export function Projects(props: { projects: Project[]; reload: () => Promise<void> }) {
  const loc = useLocation();
  const wantNew = loc.query.get('new') === '1';
  const [showForm, setShowForm] = useState(wantNew || props.projects.length === 0);

  useEffect(() => setShowForm(wantNew || props.projects.length === 0), [wantNew, props.projects.length]);

  return h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('h1', null, 'Projects'),
      showForm ? null : h(Button, { kind: 'primary', onClick: () => setShowForm(true) }, 'New project')),
    showForm ? h(NewProject, { onCancel: props.projects.length > 0 ? () => { setShowForm(false); navigate(`${BASE}/projects`, { replace: true }); } : undefined, reload: props.reload }) : null,
    props.projects.length === 0
      ? h(Empty, { title: 'No project yet' }, 'A project holds your webhook URL, signing secret and keys, integration settings and connected users. Create one to start.')
      : h('ul', { class: 'project-list' }, props.projects.map((p) => h('li', { key: p.id, class: 'card project-item' },
        h(Link, { href: projectPath(p.id, 'settings'), class: 'project-name' }, p.name),
        h('div', { class: 'muted small' }, h('span', { class: 'mono' }, p.id), ' · created ', h(Time, { iso: p.createdAt })),
        h('div', { class: 'small' }, p.webhookUrl ? h('span', { class: 'mono' }, p.webhookUrl) : h('span', { class: 'warn-text' }, 'No webhook URL yet'))))));
}

function NewProject(props: { onCancel?: () => void; reload: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [errors, setErrors] = useState<{ name?: string; webhookUrl?: string; form?: string }>({});

  const submit = async (e: Event) => {
    e.preventDefault();
    const errs: typeof errors = {};
    if (name.trim() === '') errs.name = 'Give the project a name.';
    const urlProblem = webhookUrl.trim() === '' ? null : checkWebhookUrl(webhookUrl.trim());
    if (urlProblem) errs.webhookUrl = urlProblem;
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    try {
      const p = await api<Project>('POST', `${ADMIN}/projects`, { name: name.trim(), ...(webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {}) });
      await props.reload();
      toast(`Project ${p.name} created`);
      navigate(projectPath(p.id, 'settings'));
    } catch (err) {
      if (err instanceof ApiError && /webhookUrl/.test(err.message)) setErrors({ webhookUrl: err.message });
      else setErrors({ form: errorMessage(err) });
    }
  };

  return h('form', { class: 'card', onSubmit: submit, noValidate: true, 'aria-labelledby': 'new-project-title' },
    h('h2', { id: 'new-project-title' }, 'New project'),
    h('div', { class: 'field' },
      h('label', { for: 'new-project-name' }, 'Name'),
      h('input', { id: 'new-project-name', value: name, maxLength: 200, 'aria-invalid': errors.name ? 'true' : undefined, 'aria-describedby': errors.name ? 'new-project-name-error' : undefined, onInput: (e: Event) => setName((e.currentTarget as HTMLInputElement).value) }),
      errors.name ? h('p', { class: 'field-error', id: 'new-project-name-error' }, errors.name) : null),
    h('div', { class: 'field' },
      h('label', { for: 'new-project-url' }, 'Webhook URL ', h('span', { class: 'muted' }, '(optional)')),
      h('input', { id: 'new-project-url', type: 'url', value: webhookUrl, placeholder: 'https://example.com/webhooks/opentriggers', 'aria-invalid': errors.webhookUrl ? 'true' : undefined, 'aria-describedby': 'new-project-url-hint', onInput: (e: Event) => setWebhookUrl((e.currentTarget as HTMLInputElement).value) }),
      h('p', { class: errors.webhookUrl ? 'field-error' : 'hint', id: 'new-project-url-hint' }, errors.webhookUrl ?? 'Where every event is POSTed, signed. You can set it later.')),
    errors.form ? h('p', { class: 'alert alert-error', role: 'alert' }, errors.form) : null,
    h('div', { class: 'actions' },
      h(Button, { type: 'submit', kind: 'primary' }, 'Create project'),
      props.onCancel ? h(Button, { kind: 'ghost', onClick: props.onCancel }, 'Cancel') : null));
}
