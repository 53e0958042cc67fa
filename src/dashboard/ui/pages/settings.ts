/// <reference lib="dom" />
// Project settings: name, webhook URL with a test send, signing secret, signing keys, integrations, browser
// access (origins.ts).
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ADMIN, api, ApiError, errorMessage, get } from '../api.js';
import { Badge, Button, CopyButton, CopyField, Empty, ErrorBox, Loading, Modal, Section, Time, copyText, shortId, toast, useAsync } from '../components.js';
import { BASE, navigate } from '../router.js';
import type { IntegrationConfig, Project, SigningKey } from '../types.js';
import type { PageProps } from '../main.js';
import { BrowserAccessSection } from './origins.js';

/** Client-side check of a webhook URL; the server re-checks (and refuses private addresses unless allowed). */
export function checkWebhookUrl(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'Enter a full URL, such as https://example.com/webhooks/opentriggers.';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'The URL must start with https:// (or http://).';
  if (u.username || u.password) return 'Put credentials in headers, not in the URL.';
  return null;
}

export function Settings(props: PageProps) {
  const p = props.project;
  return h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('h1', null, 'Settings'),
      h('span', { class: 'muted small' }, 'Project ', h('span', { class: 'mono' }, p.id), h(CopyButton, { text: p.id, label: 'Copy project id' }))),
    h(NameSection, props),
    h(WebhookSection, props),
    h(SecretSection, props),
    h(SigningKeysSection, props),
    h(IntegrationsSection, props),
    h(BrowserAccessSection, props),
    h(DangerSection, props));
}

function NameSection(props: PageProps) {
  const [name, setName] = useState(props.project.name);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setName(props.project.name), [props.project.name]);
  const save = async (e?: Event) => {
    e?.preventDefault();
    if (name.trim() === '') return setError('The name cannot be empty.');
    try {
      await api('PATCH', `${ADMIN}/projects/${props.projectId}`, { name: name.trim() });
      setError(null);
      await props.reloadProjects();
      toast('Project renamed');
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return h(Section, { id: 'project', title: 'Project' },
    h('form', { onSubmit: save, noValidate: true },
      h('div', { class: 'field' },
        h('label', { for: 'project-name' }, 'Name'),
        h('div', { class: 'input-row' },
          h('input', { id: 'project-name', value: name, maxLength: 200, onInput: (e: Event) => setName((e.currentTarget as HTMLInputElement).value) }),
          h(Button, { type: 'submit', disabled: name === props.project.name }, 'Rename')),
        error ? h('p', { class: 'field-error', role: 'alert' }, error) : null)));
}

function WebhookSection(props: PageProps) {
  const [url, setUrl] = useState(props.project.webhookUrl ?? '');
  const [error, setError] = useState<string | null>(null);
  const [test, setTest] = useState<{ statusCode: number | null; latencyMs: number; error?: string; responseExcerpt?: string } | null>(null);
  const [testError, setTestError] = useState<string | null>(null);
  useEffect(() => setUrl(props.project.webhookUrl ?? ''), [props.project.webhookUrl]);
  const dirty = url.trim() !== (props.project.webhookUrl ?? '');

  const save = async (e?: Event) => {
    e?.preventDefault();
    const value = url.trim();
    const problem = value === '' ? null : checkWebhookUrl(value);
    if (problem) return setError(problem);
    try {
      await api('PATCH', `${ADMIN}/projects/${props.projectId}`, { webhookUrl: value === '' ? null : value });
      setError(null);
      await props.reloadProjects();
      toast(value === '' ? 'Webhook URL removed' : 'Webhook URL saved');
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const sendTest = async () => {
    setTest(null);
    setTestError(null);
    try {
      setTest(await api('POST', `${ADMIN}/projects/${props.projectId}/webhook-test`, {}));
    } catch (err) {
      setTestError(err instanceof ApiError && err.status === 404 && err.code === 'NOT_FOUND' && /no route/.test(err.message)
        ? 'This server has no test endpoint yet.' : errorMessage(err));
    }
  };

  const ok = test !== null && test.statusCode !== null && test.statusCode >= 200 && test.statusCode < 300 && !test.error;
  return h(Section, {
    id: 'webhook', title: 'Webhook',
    intro: 'Every event is sent as a signed JSON POST to this URL, unless a subscription overrides it. Any 2xx answer counts as delivered; anything else is retried.',
  },
  h('form', { onSubmit: save, noValidate: true },
    h('div', { class: 'field' },
      h('label', { for: 'webhook-url' }, 'Webhook URL'),
      h('div', { class: 'input-row' },
        h('input', {
          id: 'webhook-url', type: 'url', value: url, placeholder: 'https://example.com/webhooks/opentriggers', class: 'mono',
          'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? 'webhook-url-error' : undefined,
          onInput: (e: Event) => setUrl((e.currentTarget as HTMLInputElement).value),
        }),
        h(Button, { type: 'submit', kind: 'primary', disabled: !dirty }, 'Save')),
      error ? h('p', { class: 'field-error', id: 'webhook-url-error', role: 'alert' }, error) : null)),
  h('div', { class: 'actions' },
    h(Button, { onClick: sendTest, disabled: !props.project.webhookUrl || dirty, id: 'send-test', title: dirty ? 'Save the URL first' : undefined }, 'Send test event'),
    !props.project.webhookUrl ? h('span', { class: 'muted small' }, 'Set a webhook URL to send a test event.') : null),
  h('div', { 'aria-live': 'polite' },
    test
      ? h('div', { class: `alert ${ok ? 'alert-ok' : 'alert-error'}`, id: 'test-result' },
        h('strong', null, test.statusCode !== null ? `HTTP ${test.statusCode}` : 'No answer'), ` in ${test.latencyMs} ms`,
        test.error ? h('span', null, ` — ${test.error}`) : null,
        test.responseExcerpt ? h('pre', { class: 'excerpt' }, test.responseExcerpt) : null)
      : null,
    testError ? h('div', { class: 'alert alert-error', role: 'alert' }, testError) : null));
}

function SecretSection(props: PageProps) {
  const [secret, setSecret] = useState<string | null>(null);
  const [previousUntil, setPreviousUntil] = useState<string | undefined>(props.project.previousSigningSecretExpiresAt);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    setSecret(null);
    setPreviousUntil(props.project.previousSigningSecretExpiresAt);
  }, [props.projectId]);

  const fetchSecret = async () => (await get<{ signingSecret: string }>(`${ADMIN}/projects/${props.projectId}/signing-secret`)).signingSecret;
  const reveal = async () => {
    try {
      setSecret(await fetchSecret());
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const rotate = async () => {
    try {
      const p = await api<Project>('POST', `${ADMIN}/projects/${props.projectId}/signing-secret/rotate`);
      setSecret(p.signingSecret ?? null);
      setPreviousUntil(p.previousSigningSecretExpiresAt);
      setConfirming(false);
      toast('Signing secret rotated; the previous one keeps signing for 24 hours');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  return h(Section, {
    id: 'secret', title: 'Signing secret',
    intro: h('p', null, 'Deliveries are signed with this secret twice: ', h('code', null, 'x-paragon-signature'), ' (Paragon style) and the Standard Webhooks headers ', h('code', null, 'webhook-id / webhook-timestamp / webhook-signature'), '. Your receiver verifies them with it.'),
  },
  h('div', { class: 'secret-row' },
    h('code', { class: 'secret', id: 'signing-secret', 'aria-label': secret ? 'Signing secret' : 'Signing secret (hidden)' }, secret ?? 'whsec_••••••••••••••••••••••••••••••••'),
    h('div', { class: 'actions' },
      secret
        ? h(Button, { small: true, onClick: () => setSecret(null) }, 'Hide')
        : h(Button, { small: true, onClick: reveal, id: 'reveal-secret' }, 'Reveal'),
      h(CopyButton, { text: async () => secret ?? (await fetchSecret()), label: 'Copy signing secret' }),
      h(Button, { small: true, kind: 'danger', onClick: () => setConfirming(true) }, 'Rotate…'))),
  previousUntil && new Date(previousUntil).getTime() > Date.now()
    ? h('p', { class: 'alert alert-info' }, 'The previous secret still signs every delivery (alongside this one) until ', h(Time, { iso: previousUntil }), '.')
    : null,
  confirming
    ? h(Modal, { title: 'Rotate the signing secret?', onClose: () => setConfirming(false) },
      h('p', null, 'A new secret is generated and used from now on. For the next ', h('strong', null, '24 hours'), ' the previous secret keeps signing as well: each delivery carries a signature from each secret (two ', h('code', null, 'v1'), ' entries), so receivers that still have the old secret keep verifying while you deploy the new one. After 24 hours only the new secret signs.'),
      h('div', { class: 'actions' },
        h(Button, { kind: 'danger', onClick: rotate, id: 'confirm-rotate' }, 'Rotate now'),
        h(Button, { kind: 'ghost', onClick: () => setConfirming(false) }, 'Cancel')))
    : null);
}

function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function SigningKeysSection(props: PageProps) {
  const keys = useAsync(() => get<{ signingKeys: SigningKey[] }>(`${ADMIN}/projects/${props.projectId}/signing-keys`), [props.projectId]);
  const [generated, setGenerated] = useState<SigningKey | null>(null);
  const [importing, setImporting] = useState(false);
  const [pem, setPem] = useState('');
  const [importError, setImportError] = useState<string | null>(null);

  const generate = async () => {
    try {
      const k = await api<SigningKey>('POST', `${ADMIN}/projects/${props.projectId}/signing-keys`, {});
      setGenerated(k);
      await keys.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const importKey = async (e: Event) => {
    e.preventDefault();
    if (!pem.includes('BEGIN PUBLIC KEY')) return setImportError('Paste a PEM public key (-----BEGIN PUBLIC KEY----- …).');
    try {
      await api('POST', `${ADMIN}/projects/${props.projectId}/signing-keys`, { publicKey: pem.trim() });
      setPem('');
      setImportError(null);
      setImporting(false);
      toast('Public key imported');
      await keys.reload();
    } catch (err) {
      setImportError(errorMessage(err));
    }
  };
  const remove = async (k: SigningKey) => {
    if (!confirm(`Delete signing key ${shortId(k.id)}? User tokens signed with it stop working at once.`)) return;
    try {
      await api('DELETE', `${ADMIN}/projects/${props.projectId}/signing-keys/${k.id}`);
      toast('Signing key deleted');
      await keys.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const list = keys.data?.signingKeys ?? [];
  return h(Section, {
    id: 'signing-keys', title: 'Signing keys',
    intro: 'Your backend signs each connected user\'s token (a JWT with sub = the user id) with a private key; OpenTriggers verifies it with these public keys (RS256 or ES256). Several keys may be active, for rotation.',
    actions: [
      h(Button, { key: 'g', kind: 'primary', small: true, onClick: generate, id: 'generate-key' }, 'Generate key pair'),
      h(Button, { key: 'i', small: true, onClick: () => setImporting(!importing) }, importing ? 'Cancel import' : 'Import public key'),
    ],
  },
  importing
    ? h('form', { class: 'subform', onSubmit: importKey, noValidate: true },
      h('div', { class: 'field' },
        h('label', { for: 'import-pem' }, 'Public key (PEM)'),
        h('textarea', { id: 'import-pem', rows: 6, class: 'mono', value: pem, placeholder: '-----BEGIN PUBLIC KEY-----', onInput: (e: Event) => setPem((e.currentTarget as HTMLTextAreaElement).value) }),
        h('p', { class: importError ? 'field-error' : 'hint', role: importError ? 'alert' : undefined }, importError ?? 'RSA of at least 2048 bits (RS256) or EC P-256 (ES256). The private key never leaves your systems.')),
      h(Button, { type: 'submit', kind: 'primary' }, 'Import'))
    : null,
  keys.error ? h(ErrorBox, { message: keys.error, onRetry: keys.reload })
    : !keys.data ? h(Loading, { what: 'keys' })
      : list.length === 0
        ? h(Empty, { title: 'No signing key' }, 'Without a key no user token can be verified, so the Triggers API refuses every call. Generate a pair or import your public key.')
        : h('div', { class: 'table-wrap' }, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Key id'), h('th', null, 'Algorithm'), h('th', null, 'Created'), h('th', null, h('span', { class: 'sr-only' }, 'Actions')))),
          h('tbody', { id: 'signing-key-rows' }, list.map((k) => h('tr', { key: k.id },
            h('td', { class: 'mono' }, k.id),
            h('td', null, k.algorithm),
            h('td', null, h(Time, { iso: k.createdAt ?? null })),
            h('td', { class: 'row-actions' },
              h(CopyButton, { text: k.publicKey, label: `Copy public key ${shortId(k.id)}` }, 'Copy public key'),
              h(Button, { small: true, kind: 'danger', label: `Delete signing key ${shortId(k.id)}`, onClick: () => remove(k) }, 'Delete'))))))),
  generated
    ? h(Modal, { title: 'Save your private key now', onClose: () => setGenerated(null), wide: true },
      h('p', { class: 'alert alert-warn' }, 'This is the only time the private key is shown: OpenTriggers keeps only the public half. Store it in your backend\'s secret store; it signs your users\' tokens.'),
      h('div', { class: 'field' },
        h('label', { for: 'private-key' }, `Private key (${generated.algorithm}, key ${shortId(generated.id)})`),
        h('textarea', { id: 'private-key', class: 'mono', rows: 10, readOnly: true, value: generated.privateKey ?? '' })),
      h('div', { class: 'actions' },
        h(Button, { kind: 'primary', id: 'download-key', onClick: () => downloadText(`opentriggers-${props.projectId.slice(0, 8)}-${shortId(generated.id)}.pem`, generated.privateKey ?? '') }, 'Download .pem'),
        h(Button, { onClick: () => copyText(generated.privateKey ?? '', 'Private key copied') }, 'Copy'),
        h(Button, { kind: 'ghost', onClick: () => setGenerated(null), id: 'close-key' }, 'I have saved it')),
      h('p', { class: 'hint' }, 'Try the API with it: ', h('code', null, `opentriggers token --project ${props.projectId} --user <userId> --key private.pem`)))
    : null);
}

function IntegrationsSection(props: PageProps) {
  const list = useAsync(() => get<{ integrations: IntegrationConfig[] }>(`${ADMIN}/projects/${props.projectId}/integrations`), [props.projectId]);
  return h(Section, {
    id: 'integrations', title: 'Integrations',
    intro: 'Enable the integrations your users connect, with your OAuth app\'s client id and secret, and the secret the provider signs its webhooks with. Secrets are write-only: leave a field empty to keep the stored value.',
  },
  list.error ? h(ErrorBox, { message: list.error, onRetry: list.reload })
    : !list.data ? h(Loading, { what: 'integrations' })
      : list.data.integrations.length === 0 ? h(Empty, { title: 'No integration in the catalog' })
        : h('div', { class: 'integration-list' }, list.data.integrations.map((c) => h(IntegrationForm, { key: c.integration, config: c, projectId: props.projectId, onSaved: list.reload }))));
}

function SecretInput(props: { id: string; label: string; isSet: boolean; value: string; clear: boolean; onValue: (v: string) => void; onClear: (v: boolean) => void }) {
  return h('div', { class: 'field' },
    h('label', { for: props.id }, props.label, ' ', props.isSet ? h(Badge, { kind: 'ok' }, 'set') : h(Badge, null, 'not set')),
    h('input', {
      id: props.id, type: 'password', autoComplete: 'off', value: props.value, disabled: props.clear,
      placeholder: props.isSet ? 'Stored — type to replace' : '', onInput: (e: Event) => props.onValue((e.currentTarget as HTMLInputElement).value),
    }),
    props.isSet
      ? h('label', { class: 'check small' }, h('input', { type: 'checkbox', checked: props.clear, onChange: (e: Event) => props.onClear((e.currentTarget as HTMLInputElement).checked) }), ' Remove the stored value')
      : null);
}

function IntegrationForm(props: { config: IntegrationConfig; projectId: string; onSaved: () => Promise<void> }) {
  const c = props.config;
  const [enabled, setEnabled] = useState(c.enabled);
  const [clientId, setClientId] = useState(c.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [clearClientSecret, setClearClientSecret] = useState(false);
  const [webhookSecret, setWebhookSecret] = useState('');
  const [clearWebhookSecret, setClearWebhookSecret] = useState(false);
  const [scopes, setScopes] = useState((c.scopes ?? []).join(' '));
  const [apiBaseUrl, setApiBaseUrl] = useState(c.apiBaseUrl ?? '');
  const [authorizationUrl, setAuthorizationUrl] = useState(c.authorizationUrl ?? '');
  const [tokenUrl, setTokenUrl] = useState(c.tokenUrl ?? '');
  const [error, setError] = useState<string | null>(null);
  const id = (f: string) => `int-${c.integration}-${f}`;
  const oauth = c.authKind === 'oauth2';
  // A client-credentials integration's client is per account; the project may still point its token endpoint.
  const tokens = oauth || c.authKind === 'clientCredentials';

  const save = async (e: Event) => {
    e.preventDefault();
    for (const [label, v] of [['API base URL', apiBaseUrl], ['Authorization URL', authorizationUrl], ['Token URL', tokenUrl]] as const) {
      if (v.trim() !== '' && checkWebhookUrl(v.trim())) return setError(`${label}: enter a full http(s) URL.`);
    }
    const orNull = (v: string) => (v.trim() === '' ? null : v.trim());
    const body: Record<string, unknown> = {
      enabled,
      apiBaseUrl: orNull(apiBaseUrl),
      ...(oauth ? { clientId: orNull(clientId), authorizationUrl: orNull(authorizationUrl) } : {}),
      ...(tokens ? { tokenUrl: orNull(tokenUrl), scopes: scopes.trim() === '' ? null : scopes.trim().split(/[\s,]+/) } : {}),
    };
    if (clearClientSecret) body.clientSecret = null;
    else if (clientSecret !== '') body.clientSecret = clientSecret;
    if (clearWebhookSecret) body.webhookSecret = null;
    else if (webhookSecret !== '') body.webhookSecret = webhookSecret;
    try {
      await api('PUT', `${ADMIN}/projects/${props.projectId}/integrations/${c.integration}`, body);
      setError(null);
      setClientSecret('');
      setWebhookSecret('');
      setClearClientSecret(false);
      setClearWebhookSecret(false);
      toast(`${c.name} saved`);
      await props.onSaved();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return h('details', { class: 'integration', id: id('details') },
    h('summary', null,
      h('span', { class: 'integration-name' }, c.name), ' ', h('span', { class: 'mono muted small' }, c.integration), ' ',
      c.enabled ? h(Badge, { kind: 'ok' }, 'enabled') : h(Badge, null, c.configured ? 'disabled' : 'not configured')),
    h('form', { onSubmit: save, noValidate: true, class: 'integration-form' },
      h('label', { class: 'check' }, h('input', { type: 'checkbox', id: id('enabled'), checked: enabled, onChange: (e: Event) => setEnabled((e.currentTarget as HTMLInputElement).checked) }), ' Enabled for this project'),
      h('div', { class: 'grid2' },
        oauth ? h('div', { class: 'field' }, h('label', { for: id('client-id') }, 'OAuth client id'), h('input', { id: id('client-id'), value: clientId, autoComplete: 'off', onInput: (e: Event) => setClientId((e.currentTarget as HTMLInputElement).value) })) : null,
        oauth ? h(SecretInput, { id: id('client-secret'), label: 'OAuth client secret', isSet: c.hasClientSecret, value: clientSecret, clear: clearClientSecret, onValue: setClientSecret, onClear: setClearClientSecret }) : null,
        h(SecretInput, { id: id('webhook-secret'), label: 'Webhook signing secret', isSet: c.hasWebhookSecret, value: webhookSecret, clear: clearWebhookSecret, onValue: setWebhookSecret, onClear: setClearWebhookSecret }),
        h('div', { class: 'field' }, h('label', { for: id('api-base') }, 'API base URL'), h('input', { id: id('api-base'), type: 'url', class: 'mono', value: apiBaseUrl, placeholder: c.defaultApiBaseUrl, onInput: (e: Event) => setApiBaseUrl((e.currentTarget as HTMLInputElement).value) }),
          h('p', { class: 'hint' }, 'Leave empty for the default; set it for an enterprise or regional host.')),
        tokens ? h('div', { class: 'field' }, h('label', { for: id('scopes') }, 'Scopes'), h('input', { id: id('scopes'), value: scopes, placeholder: 'default scopes', onInput: (e: Event) => setScopes((e.currentTarget as HTMLInputElement).value) }), h('p', { class: 'hint' }, 'Space- or comma-separated; empty keeps the integration\'s defaults.')) : null,
        oauth ? h('div', { class: 'field' }, h('label', { for: id('auth-url') }, 'Authorization URL'), h('input', { id: id('auth-url'), type: 'url', class: 'mono', value: authorizationUrl, placeholder: 'default', onInput: (e: Event) => setAuthorizationUrl((e.currentTarget as HTMLInputElement).value) })) : null,
        tokens ? h('div', { class: 'field' }, h('label', { for: id('token-url') }, 'Token URL'), h('input', { id: id('token-url'), type: 'url', class: 'mono', value: tokenUrl, placeholder: 'default', onInput: (e: Event) => setTokenUrl((e.currentTarget as HTMLInputElement).value) })) : null),
      c.webhookUrl ? h(CopyField, { id: id('hook-url'), label: 'Inbound webhook URL', value: c.webhookUrl, hint: 'Paste into the provider\'s app settings (event subscriptions): every account\'s events arrive here.' }) : null,
      c.oauthRedirectUrl ? h(CopyField, { id: id('redirect-url'), label: 'OAuth redirect URL', value: c.oauthRedirectUrl, hint: 'Register it as the redirect (callback) URL of your OAuth app.' }) : null,
      error ? h('p', { class: 'alert alert-error', role: 'alert' }, error) : null,
      h('div', { class: 'actions' }, h(Button, { type: 'submit', kind: 'primary' }, `Save ${c.name}`))));
}

function DangerSection(props: PageProps) {
  const remove = async () => {
    if (!confirm(`Delete project "${props.project.name}"? Every subscription is torn down at the providers and every user, credential and event is deleted. This cannot be undone.`)) return;
    try {
      await api('DELETE', `${ADMIN}/projects/${props.projectId}`);
      localStorage.removeItem('opentriggers.lastProject');
      await props.reloadProjects();
      toast('Project deleted');
      navigate(`${BASE}/projects`);
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  return h(Section, { id: 'danger', title: 'Danger zone' },
    h('div', { class: 'actions' }, h(Button, { kind: 'danger', onClick: remove }, 'Delete this project…')));
}
