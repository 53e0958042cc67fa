/// <reference lib="dom" />
// Settings → Browser access: the project's two origin lists (src/engine/origins.ts). Which front ends may
// call the user API from a browser (CORS, ADR 0025), and where OAuth connect may send the browser back to.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ADMIN, api, errorMessage, get } from '../api.js';
import { Button, ErrorBox, Loading, Section, toast, useAsync } from '../components.js';
import type { PageProps } from '../main.js';

export function BrowserAccessSection(props: PageProps) {
  return h(Section, {
    id: 'browser-access', title: 'Browser access',
    intro: 'Origins are exact: scheme, host and port, one per line (https://app.example.com).',
  },
  h(OriginListForm, {
    id: 'cors-origins',
    path: `${ADMIN}/projects/${props.projectId}/cors-origins`,
    label: 'Front-end origins (CORS)',
    hint: 'Pages on these origins may call this project\'s user API with a user token. * admits any origin. Empty: none.',
    button: 'Save front-end origins',
    saved: 'Front-end origins saved',
  }),
  h(OriginListForm, {
    id: 'oauth-redirect-origins',
    path: `${ADMIN}/projects/${props.projectId}/oauth-redirect-origins`,
    label: 'OAuth connect: allowed return origins',
    hint: 'After connecting an account, the browser may only return to these origins. Empty: any http(s) URL.',
    button: 'Save return origins',
    saved: 'Return origins saved',
  }));
}

function OriginListForm(props: { id: string; path: string; label: string; hint: string; button: string; saved: string }) {
  const stored = useAsync(() => get<{ origins: string[] }>(props.path), [props.path]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const storedText = stored.data?.origins.join('\n') ?? '';
  useEffect(() => setText(storedText), [storedText]);
  if (stored.loading && !stored.data) return h(Loading, null);
  if (stored.error) return h(ErrorBox, { message: stored.error });

  const save = async (e?: Event) => {
    e?.preventDefault();
    const origins = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    try {
      stored.setData(await api<{ origins: string[] }>('PUT', props.path, { origins }));
      setError(null);
      toast(props.saved);
    } catch (err) {
      // The API names the entry (origins[2]); the operator sees lines.
      setError(errorMessage(err).replace(/origins\[(\d+)\]/, (_m, i: string) => `Line ${Number(i) + 1}`));
    }
  };
  const errorId = `${props.id}-error`;
  return h('form', { onSubmit: save, noValidate: true },
    h('div', { class: 'field' },
      h('label', { for: props.id }, props.label),
      h('textarea', {
        id: props.id, rows: 3, class: 'mono', value: text, placeholder: 'https://app.example.com',
        'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? errorId : `${props.id}-hint`,
        onInput: (e: Event) => setText((e.currentTarget as HTMLTextAreaElement).value),
      }),
      h('p', { class: 'hint', id: `${props.id}-hint` }, props.hint),
      error ? h('p', { class: 'field-error', id: errorId, role: 'alert' }, error) : null),
    h('div', { class: 'actions' },
      h(Button, { type: 'submit', disabled: text.trim() === storedText }, props.button)));
}
