/// <reference lib="dom" />
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, errorMessage } from '../api.js';
import { Button } from '../components.js';
import type { Session } from '../types.js';

export function SignIn(props: { onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (token.trim() === '') {
      setError('Enter the admin token.');
      return;
    }
    setBusy(true);
    try {
      const s = await api<Session>('POST', '/dashboard/api/session', { token: token.trim() });
      setToken('');
      props.onSignedIn(s);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That is not the admin token of this service.' : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return h('main', { id: 'main', class: 'signin' },
    h('form', { class: 'card signin-card', onSubmit: submit, noValidate: true, 'aria-labelledby': 'signin-title' },
      h('div', { class: 'brand brand-large' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '⚡'), 'OpenTriggers'),
      h('h1', { id: 'signin-title' }, 'Sign in'),
      h('p', { class: 'muted' },
        'Use the admin token: the value of OPENTRIGGERS_ADMIN_TOKEN, or the token printed once when the service first started.'),
      h('div', { class: 'field' },
        h('label', { for: 'admin-token' }, 'Admin token'),
        h('input', {
          id: 'admin-token', type: 'password', autoComplete: 'current-password', value: token, autoFocus: true,
          'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? 'signin-error' : undefined,
          onInput: (e: Event) => setToken((e.currentTarget as HTMLInputElement).value),
        }),
        error ? h('p', { id: 'signin-error', class: 'field-error', role: 'alert' }, error) : null),
      h(Button, { type: 'submit', kind: 'primary', busy }, 'Sign in'),
      h('p', { class: 'hint' }, 'The session lasts 12 hours and is kept in an HttpOnly cookie; the token itself is not stored in the browser.')));
}
