/// <reference lib="dom" />
// One connected user: their credentials, and every trigger of their integrations with a toggle that opens
// a parameter form and creates the subscription on their behalf (admin API), with the equivalent user-API call.
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { ADMIN, api, ApiError, errorMessage, get } from '../api.js';
import { Badge, Button, CopyButton, Empty, ErrorBox, Loading, Section, StatusBadge, Time, shortId, toast, useAsync } from '../components.js';
import { loadCatalog } from '../catalog-cache.js';
import { Link, navigate, projectPath } from '../router.js';
import { ApiCall, ParameterFields, describeFilter, initialValues, toParameters, type Values } from '../params.js';
import { OverrideFields, overrideText, parseOverride, type OverrideField } from '../override-fields.js';
import type { Catalog, Credential, Subscription, TriggerDef, UserDetail } from '../types.js';
import type { PageProps } from '../main.js';

interface Ctx {
  projectId: string;
  userId: string;
  publicUrl: string;
  operators: string[];
  reload: () => Promise<void>;
  base: string;
}

/** Split a 400 about one parameter into {parameter: readable message}, anything else into a form error. */
function fieldErrors(err: unknown, defs: TriggerDef['parameters']): { fields: Record<string, string>; form: string | null } {
  if (err instanceof ApiError && err.status === 400 && err.parameter && defs.some((d) => d.id === err.parameter)) {
    const def = defs.find((d) => d.id === err.parameter);
    const rest = err.message.replace(/^(?:body\.)?parameters\.[A-Za-z0-9_-]+:\s*/, '');
    const title = def?.title ?? err.parameter;
    return { fields: { [err.parameter]: /^(is|must|should)\b/.test(rest) ? `${title} ${rest}.`.replace(/\.\.$/, '.') : `${title}: ${rest}` }, form: null };
  }
  return { fields: {}, form: errorMessage(err) };
}

export function UserPage(props: PageProps & { userId: string }) {
  const user = useAsync(() => get<UserDetail>(`${ADMIN}/projects/${props.projectId}/users/${encodeURIComponent(props.userId)}`), [props.projectId, props.userId]);
  const catalog = useAsync(() => loadCatalog(props.projectId), [props.projectId]);
  const base = `${ADMIN}/projects/${props.projectId}/users/${encodeURIComponent(props.userId)}`;

  const back = h(Link, { href: projectPath(props.projectId, 'users'), class: 'back' }, '← Connected users');
  if (user.error) {
    return h('div', { class: 'page' }, back,
      user.error.includes('not found') ? h(Empty, { title: `No user “${props.userId}” in this project` }, 'The id may be mistyped, or the user was deleted.') : h(ErrorBox, { message: user.error, onRetry: user.reload }));
  }
  if (!user.data || !catalog.data) return h('div', { class: 'page' }, back, catalog.error ? h(ErrorBox, { message: catalog.error, onRetry: catalog.reload }) : h(Loading, { what: 'the user' }));
  const u = user.data;
  const cat = catalog.data;
  const ctx: Ctx = { projectId: props.projectId, userId: u.id, publicUrl: props.session.publicUrl ?? location.origin, operators: cat.conditionOperators, reload: user.reload, base };

  /** Delete the user; `erase` deletes their stored events too (ADR 0024), otherwise they stay in the logs. */
  const deleteUser = async (erase: boolean) => {
    const n = u.subscriptions.length;
    const removed = `Their ${u.credentials.length} connected account(s) and ${n} subscription${n === 1 ? '' : 's'} are removed (provider webhooks too).`;
    const question = erase
      ? `Erase the user “${u.id}”? ${removed} Every event stored for them — payloads, deliveries, attempts — is deleted for good. This cannot be undone.`
      : `Delete the user “${u.id}”? ${removed} Their stored events stay in the logs.`;
    if (!confirm(question)) return;
    try {
      const r = await api<{ warning?: string; erasedEvents?: number }>('DELETE', erase ? `${base}?eraseEvents=true` : base);
      const done = erase ? `User erased with ${r.erasedEvents ?? 0} event(s)` : 'User deleted';
      toast(r.warning ? `${done}, with a warning: ${r.warning}` : done, r.warning ? 'info' : 'ok');
      navigate(projectPath(props.projectId, 'users'));
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  return h('div', { class: 'page' },
    back,
    h('div', { class: 'page-head' },
      h('h1', null, 'User ', h('span', { class: 'mono' }, u.id)),
      h('span', { class: 'muted small' }, 'first seen ', h(Time, { iso: u.createdAt }), ' · ', h(Link, { href: `${projectPath(props.projectId, 'logs')}?userId=${encodeURIComponent(u.id)}` }, 'View their events')),
      h('span', { class: 'actions' },
        h(Button, { small: true, kind: 'danger', label: `Delete user ${u.id}`, onClick: () => deleteUser(false) }, 'Delete user'),
        h(Button, { small: true, kind: 'danger', label: `Erase user ${u.id} and their events`, onClick: () => deleteUser(true) }, 'Erase user and events'))),
    h(Credentials, { ctx, credentials: u.credentials, subscriptions: u.subscriptions, catalog: cat }),
    h(Triggers, { ctx, user: u, catalog: cat }));
}

function Credentials(props: { ctx: Ctx; credentials: Credential[]; subscriptions: Subscription[]; catalog: Catalog }) {
  const [adding, setAdding] = useState(false);
  const disconnect = async (c: Credential) => {
    const n = props.subscriptions.filter((s) => s.credentialId === c.id).length;
    if (!confirm(`Disconnect this ${c.integration} account${c.providerAccountId ? ` (${c.providerAccountId})` : ''}? ${n} subscription${n === 1 ? '' : 's'} using it will be torn down.`)) return;
    try {
      const r = await api<{ warning?: string }>('DELETE', `${props.ctx.base}/credentials/${c.id}`);
      toast(r.warning ? `Disconnected, with a warning: ${r.warning}` : 'Account disconnected', r.warning ? 'info' : 'ok');
      await props.ctx.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const add = adding
    ? h(AddCredentialForm, {
      ctx: props.ctx, catalog: props.catalog, onCancel: () => setAdding(false),
      onAdded: async () => {
        setAdding(false);
        await props.ctx.reload();
      },
    })
    : h(Button, { small: true, kind: 'ghost', onClick: () => setAdding(true) }, '+ Add an account');
  return h(Section, { id: 'credentials', title: 'Connected accounts' },
    props.credentials.length === 0
      ? h(Empty, { title: 'No connected account' }, 'The user connects an account from your app (OAuth through ', h('code', null, 'POST /projects/{id}/connect/{integration}'), ', or an API key through ', h('code', null, 'POST /projects/{id}/credentials'), ').')
      : h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Integration'), h('th', { scope: 'col' }, 'Provider account'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Connected'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
        h('tbody', null, props.credentials.map((c) => h('tr', { key: c.id },
          h('td', { 'data-label': 'Integration' }, c.integration),
          h('td', { 'data-label': 'Provider account', class: 'mono' }, c.providerAccountId ?? '—'),
          h('td', { 'data-label': 'Status' }, h(StatusBadge, { status: c.status }), c.statusReason ? h('div', { class: 'small bad-text' }, c.statusReason) : null),
          h('td', { 'data-label': 'Connected' }, h(Time, { iso: c.dateCreated })),
          h('td', { class: 'row-actions' }, h(Button, { small: true, kind: 'danger', label: `Disconnect ${c.integration} account ${c.providerAccountId ?? shortId(c.id)}`, onClick: () => disconnect(c) }, 'Disconnect'))))))),
    add);
}

/**
 * Store an account the admin already holds the secret of: an API key, an access token (with its refresh token
 * when there is one), or the client id and secret of a client-credentials integration, with the account details
 * the integration names (its host, the user it acts as). OAuth accounts are normally connected by the user through
 * the connect flow; this is for keys and for tokens obtained elsewhere. Secrets are typed into password fields and
 * never shown again.
 */
function AddCredentialForm(props: { ctx: Ctx; catalog: Catalog; onCancel: () => void; onAdded: () => Promise<void> }) {
  const integrations = props.catalog.integrations;
  const [integration, setIntegration] = useState(integrations[0]?.key ?? '');
  const [secret, setSecret] = useState('');
  const [clientId, setClientId] = useState('');
  const [refreshToken, setRefreshToken] = useState('');
  const [extra, setExtra] = useState<Record<string, string>>({});
  const [account, setAccount] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = integrations.find((i) => i.key === integration);
  // An integration taking both an API key and OAuth tokens lets the admin say which one they hold.
  const [keyChosen, setKeyChosen] = useState(false);
  const both = (chosen?.authKinds ?? []).includes('apiKey') && (chosen?.authKinds ?? []).includes('oauth2');
  const apiKey = chosen?.authKind === 'apiKey' && !both ? true : both && keyChosen;
  const client = chosen?.authKind === 'clientCredentials';
  const input = (id: string, label: string, value: string, set: (v: string) => void, type: 'password' | 'text', optional: boolean) =>
    h('div', { class: 'field' },
      h('label', { for: id }, label, optional ? h('span', { class: 'muted' }, ' (optional)') : null),
      h('input', { id, type, value, autocomplete: 'off', class: type === 'text' ? 'mono' : undefined, onInput: (e: Event) => set((e.currentTarget as HTMLInputElement).value) }));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (client && clientId.trim() === '') return setError('Enter the client id.');
    if (secret.trim() === '') return setError(client ? 'Enter the client secret.' : apiKey ? 'Enter the API key.' : 'Enter the access token.');
    const given = Object.fromEntries((chosen?.credentialExtra ?? []).map((f) => [f.name, (extra[f.name] ?? '').trim()]).filter(([, v]) => v !== ''));
    setBusy(true);
    try {
      await api('POST', `${props.ctx.base}/credentials`, {
        integration,
        ...(client
          ? { clientId: clientId.trim(), clientSecret: secret.trim() }
          : apiKey ? { apiKey: secret.trim() } : { accessToken: secret.trim(), ...(refreshToken.trim() ? { refreshToken: refreshToken.trim() } : {}) }),
        ...(Object.keys(given).length > 0 ? { extra: given } : {}),
        ...(account.trim() ? { providerAccountId: account.trim() } : {}),
      });
      toast('Account added');
      await props.onAdded();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return h('form', { class: 'subform', onSubmit: submit, noValidate: true, 'aria-label': 'Add an account' },
    h('div', { class: 'field' },
      h('label', { for: 'add-credential-integration' }, 'Integration'),
      h('select', { id: 'add-credential-integration', value: integration, onChange: (e: Event) => setIntegration((e.currentTarget as HTMLSelectElement).value) },
        integrations.map((i) => h('option', { key: i.key, value: i.key }, i.name)))),
    both
      ? h('div', { class: 'field' },
        h('label', { for: 'add-credential-kind' }, 'Account given as'),
        h('select', { id: 'add-credential-kind', value: keyChosen ? 'apiKey' : 'oauth2', onChange: (e: Event) => setKeyChosen((e.currentTarget as HTMLSelectElement).value === 'apiKey') },
          h('option', { value: 'oauth2' }, 'OAuth access token'),
          h('option', { value: 'apiKey' }, 'API key')))
      : null,
    client
      ? [input('add-credential-client-id', 'Client id', clientId, setClientId, 'text', false),
        input('add-credential-secret', 'Client secret', secret, setSecret, 'password', false)]
      : apiKey
        ? input('add-credential-secret', 'API key', secret, setSecret, 'password', false)
        : [input('add-credential-secret', 'Access token', secret, setSecret, 'password', false),
          input('add-credential-refresh', 'Refresh token', refreshToken, setRefreshToken, 'password', true)],
    (chosen?.credentialExtra ?? []).map((f) => h('div', { class: 'field', key: f.name },
      h('label', { for: `add-credential-extra-${f.name}` }, f.name),
      h('input', { id: `add-credential-extra-${f.name}`, type: 'text', class: 'mono', value: extra[f.name] ?? '', autocomplete: 'off', onInput: (e: Event) => setExtra({ ...extra, [f.name]: (e.currentTarget as HTMLInputElement).value }) }),
      h('p', { class: 'hint' }, f.description))),
    input('add-credential-account', 'Provider account id', account, setAccount, 'text', true),
    error ? h('p', { class: 'alert alert-error', role: 'alert' }, error) : null,
    h('div', { class: 'actions' },
      h(Button, { type: 'submit', kind: 'primary', busy }, 'Add account'),
      h(Button, { kind: 'ghost', onClick: props.onCancel }, 'Cancel')));
}

function Triggers(props: { ctx: Ctx; user: UserDetail; catalog: Catalog }) {
  const keys = [...new Set([...props.user.credentials.map((c) => c.integration), ...props.user.subscriptions.map((s) => s.integration)])];
  return h(Section, {
    id: 'triggers', title: 'Triggers',
    intro: 'Every trigger of the integrations this user has connected. Switch one on to subscribe the user: events are delivered to the project webhook URL.',
  },
  keys.length === 0
    ? h(Empty, { title: 'Nothing to subscribe to yet' }, 'Triggers appear here once the user has connected an account.')
    : keys.map((key) => {
      const integ = props.catalog.integrations.find((i) => i.key === key);
      const creds = props.user.credentials.filter((c) => c.integration === key);
      return h('div', { key, class: 'trigger-integration' },
        h('h3', null, integ?.name ?? key, ' ', h('span', { class: 'mono muted small' }, key)),
        !integ ? h('p', { class: 'alert alert-warn' }, `The integration ${key} is not in this service's catalog.`) : null,
        (integ?.triggers ?? []).map((t) => h(TriggerRow, {
          key: t.type, ctx: props.ctx, integration: key, trigger: t, credentials: creds,
          subscriptions: props.user.subscriptions.filter((s) => s.type === t.type),
        })));
    }));
}

function TriggerRow(props: { ctx: Ctx; integration: string; trigger: TriggerDef; credentials: Credential[]; subscriptions: Subscription[] }) {
  const t = props.trigger;
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ body: Record<string, unknown>; credentialId?: string } | null>(null);
  const on = props.subscriptions.length > 0 || creating;
  const titleId = `trigger-${t.type}-title`;

  const toggle = async () => {
    if (props.subscriptions.length === 0) {
      setCreating(!creating);
      setCreated(null);
      return;
    }
    const n = props.subscriptions.length;
    if (!confirm(`Switch off “${t.title}” for this user? ${n === 1 ? 'Its subscription is' : `Its ${n} subscriptions are`} deleted (provider webhooks are removed).`)) return;
    const warnings: string[] = [];
    try {
      for (const s of props.subscriptions) {
        const r = await api<{ warning?: string }>('DELETE', `${props.ctx.base}/trigger-subscriptions/${s.id}`);
        if (r.warning) warnings.push(r.warning);
      }
      toast(warnings.length ? `Switched off, with a warning: ${warnings.join('; ')}` : `${t.title} switched off`, warnings.length ? 'info' : 'ok');
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
    setCreating(false);
    await props.ctx.reload();
  };

  return h('div', { class: `trigger${on ? ' trigger-on' : ''}`, id: `trigger-${t.type}` },
    h('div', { class: 'trigger-head' },
      h('div', { class: 'trigger-text' },
        h('div', { class: 'trigger-title', id: titleId }, t.title, ' ', h(Badge, { kind: t.triggerModel === 'POLLING' ? 'neutral' : 'info' }, t.triggerModel === 'POLLING' ? 'polling' : 'webhook')),
        h('div', { class: 'mono muted small' }, t.type),
        h('p', { class: 'small' }, t.description)),
      h('button', {
        type: 'button', role: 'switch', class: 'switch', 'aria-checked': on ? 'true' : 'false', 'aria-labelledby': titleId,
        onClick: () => void toggle(),
      }, h('span', { class: 'switch-knob', 'aria-hidden': 'true' }))),
    props.subscriptions.map((s) => h(SubscriptionCard, { key: s.id, ctx: props.ctx, trigger: t, subscription: s })),
    props.subscriptions.length > 0 && !creating
      ? h(Button, { small: true, kind: 'ghost', onClick: () => { setCreating(true); setCreated(null); } }, '+ Another subscription with other parameters')
      : null,
    creating
      ? h(SubscriptionForm, {
        ctx: props.ctx, integration: props.integration, trigger: t, credentials: props.credentials,
        onCancel: () => setCreating(false),
        onCreated: async (body, credentialId) => {
          setCreating(false);
          setCreated({ body, ...(credentialId ? { credentialId } : {}) });
          await props.ctx.reload();
        },
      })
      : null,
    created
      ? h('div', { class: 'created', role: 'status' },
        h('p', null, h('strong', null, 'Subscription created.'), ' The same call through the Triggers API, with the user\'s token:'),
        h(ApiCall, { method: 'POST', url: `${props.ctx.publicUrl}/projects/${props.ctx.projectId}/trigger-subscriptions`, body: created.body, credentialId: created.credentialId, userId: props.ctx.userId, projectId: props.ctx.projectId }),
        h(Button, { small: true, kind: 'ghost', onClick: () => setCreated(null) }, 'Hide'))
      : null);
}

function SubscriptionForm(props: {
  ctx: Ctx; integration: string; trigger: TriggerDef; credentials: Credential[]; existing?: Subscription;
  onCancel: () => void; onCreated?: (body: Record<string, unknown>, credentialId?: string) => Promise<void>; onSaved?: () => Promise<void>;
}) {
  const t = props.trigger;
  const [values, setValues] = useState<Values>(() => initialValues(t.parameters, props.existing?.parameters));
  const [credentialId, setCredentialId] = useState(props.existing?.credentialId ?? props.credentials[0]?.id ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [override, setOverride] = useState(() => overrideText(props.existing?.webhookOverride));
  const [overrideErrors, setOverrideErrors] = useState<Partial<Record<OverrideField, string>>>({});
  const idPrefix = `p-${props.existing ? shortId(props.existing.id) : 'new'}-${t.type}`;
  const parameters = toParameters(t.parameters, values);
  const multi = props.credentials.length > 1;
  // What the override fields say, when they parse: sent (and shown in the API call) only if set or changed.
  const parsedOverride = parseOverride(override);
  const webhookOverride = 'override' in parsedOverride ? parsedOverride.override : undefined;
  const overrideChanged = webhookOverride !== undefined && JSON.stringify(webhookOverride) !== JSON.stringify(props.existing?.webhookOverride ?? null);
  const body: Record<string, unknown> = props.existing
    ? { parameters: patchOf(t, props.existing.parameters, parameters), ...(overrideChanged ? { webhookOverride } : {}) }
    : { integration: props.integration, type: t.type, parameters, ...(webhookOverride ? { webhookOverride } : {}) };

  const submit = async (e: Event) => {
    e.preventDefault();
    if ('errors' in parsedOverride) {
      setOverrideErrors(parsedOverride.errors);
      return;
    }
    setOverrideErrors({});
    setBusy(true);
    try {
      if (props.existing) {
        await api('PATCH', `${props.ctx.base}/trigger-subscriptions/${props.existing.id}`, body);
        toast('Subscription updated');
        await props.onSaved?.();
      } else {
        await api('POST', `${props.ctx.base}/trigger-subscriptions`, { ...body, ...(multi && credentialId ? { credentialId } : {}) });
        toast(`${t.title} switched on`);
        await props.onCreated?.(body, multi ? credentialId : undefined);
      }
      setErrors({});
      setFormError(null);
    } catch (err) {
      const fe = fieldErrors(err, t.parameters);
      setErrors(fe.fields);
      setFormError(fe.form);
    } finally {
      setBusy(false);
    }
  };

  const path = props.existing ? `/trigger-subscriptions/${props.existing.id}` : '/trigger-subscriptions';
  return h('form', { class: 'subform', onSubmit: submit, noValidate: true, 'aria-label': `${props.existing ? 'Edit' : 'New'} ${t.title} subscription` },
    multi && !props.existing
      ? h('div', { class: 'field' },
        h('label', { for: `${idPrefix}-credential` }, 'Account'),
        h('select', { id: `${idPrefix}-credential`, value: credentialId, onChange: (e: Event) => setCredentialId((e.currentTarget as HTMLSelectElement).value) },
          props.credentials.map((c) => h('option', { key: c.id, value: c.id }, `${c.providerAccountId ?? shortId(c.id)}${c.status === 'INVALID' ? ' (invalid)' : ''}`))))
      : null,
    h(ParameterFields, {
      idPrefix, defs: t.parameters, values, errors, operators: props.ctx.operators,
      onChange: (next: Values) => {
        // A field's message goes away as soon as the field is edited.
        setErrors((errs) => Object.fromEntries(Object.entries(errs).filter(([k]) => JSON.stringify(next[k]) === JSON.stringify(values[k]))));
        setValues(next);
      },
    }),
    h(OverrideFields, {
      idPrefix, value: override, errors: overrideErrors, open: props.existing?.webhookOverride != null,
      onChange: (next) => {
        setOverrideErrors({});
        setOverride(next);
      },
    }),
    formError ? h('p', { class: 'alert alert-error', role: 'alert' }, formError) : null,
    h('div', { class: 'actions' },
      h(Button, { type: 'submit', kind: 'primary', busy }, props.existing ? 'Save changes' : 'Create subscription'),
      h(Button, { kind: 'ghost', onClick: props.onCancel }, 'Cancel')),
    h('details', { class: 'apicall-details' },
      h('summary', null, 'Equivalent API call'),
      h(ApiCall, { method: props.existing ? 'PATCH' : 'POST', url: `${props.ctx.publicUrl}/projects/${props.ctx.projectId}${path}`, body, credentialId: multi && !props.existing ? credentialId : undefined, userId: props.ctx.userId, projectId: props.ctx.projectId })));
}

/** PATCH merges parameters shallowly: send what changed, and null for what was cleared. */
function patchOf(t: TriggerDef, before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of t.parameters) {
    const a = after[d.id];
    if (a === undefined) {
      if (before[d.id] !== undefined) out[d.id] = null;
    } else if (JSON.stringify(a) !== JSON.stringify(before[d.id])) out[d.id] = a;
  }
  return out;
}

/** The "Sync now" button's tooltip: what it will do. */
function syncTitle(t: TriggerDef, does: NonNullable<TriggerDef['syncNow']>): string {
  const reads = t.triggerModel === 'POLLING' ? 'Poll the provider now' : 'Re-read the provider\'s recent changes now (backstop sync)';
  const check = 'the provider webhook (registered again if it was deleted or disabled)';
  if (!does.reads) return `Check ${check} now`;
  return does.registrationCheck ? `${reads}, and check ${check}` : reads;
}

function SubscriptionCard(props: { ctx: Ctx; trigger: TriggerDef; subscription: Subscription }) {
  const s = props.subscription;
  const [editing, setEditing] = useState(false);
  const remove = async () => {
    if (!confirm('Delete this subscription? Provider-side webhooks are removed; its past events stay in the log.')) return;
    try {
      const r = await api<{ warning?: string }>('DELETE', `${props.ctx.base}/trigger-subscriptions/${s.id}`);
      toast(r.warning ? `Deleted, with a warning: ${r.warning}` : 'Subscription deleted', r.warning ? 'info' : 'ok');
      await props.ctx.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const reactivate = async () => {
    try {
      await api('PATCH', `${props.ctx.base}/trigger-subscriptions/${s.id}`, { status: 'ACTIVE' });
      toast('Subscription re-activated; held events are being delivered');
      await props.ctx.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const sync = async () => {
    try {
      const r = await api<{ sync: boolean; registrationCheck: boolean }>('POST', `${ADMIN}/projects/${props.ctx.projectId}/subscriptions/${s.id}/sync`, {});
      toast([
        r.sync ? (props.trigger.triggerModel === 'POLLING' ? 'Polling now; new items appear in Events' : 'Syncing now; changes the provider did not notify appear in Events') : null,
        r.registrationCheck ? 'The provider webhook is checked within 30 s (registered again if it was deleted or disabled; see Logs)' : null,
      ].filter(Boolean).join('. '));
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const params = Object.entries(s.parameters);
  return h('div', { class: `subscription sub-${s.status.toLowerCase()}`, 'aria-label': `Subscription ${shortId(s.id)}` },
    h('div', { class: 'subscription-head' },
      h(StatusBadge, { status: s.status }),
      h('span', { class: 'mono small' }, shortId(s.id), h(CopyButton, { text: s.id, label: 'Copy subscription id' })),
      h('span', { class: 'small muted' }, 'created ', h(Time, { iso: s.dateCreated, relative: true })),
      h('span', { class: 'small muted' }, 'last event ', h(Time, { iso: s.dateLastReceivedEvent, relative: true }))),
    s.error ? h('p', { class: 'alert alert-error small' }, s.error) : null,
    params.length > 0 && !editing
      ? h('dl', { class: 'params' }, params.map(([k, v]) => [h('dt', { key: `${k}-t` }, props.trigger.parameters.find((d) => d.id === k)?.title ?? k), h('dd', { key: `${k}-d`, class: 'mono' }, typeof v === 'string' ? v : props.trigger.parameters.find((d) => d.id === k)?.type === 'CONDITIONAL' ? describeFilter(v) : JSON.stringify(v))]))
      : null,
    s.webhookOverride ? h('p', { class: 'small' }, 'Delivered to ', h('span', { class: 'mono' }, s.webhookOverride.url), ' (override)') : null,
    editing
      ? h(SubscriptionForm, { ctx: props.ctx, integration: s.integration, trigger: props.trigger, credentials: [], existing: s, onCancel: () => setEditing(false), onSaved: async () => { setEditing(false); await props.ctx.reload(); } })
      : h('div', { class: 'actions' },
        h(Button, { small: true, onClick: () => setEditing(true) }, 'Edit'),
        s.status === 'ERRORED' ? h(Button, { small: true, kind: 'primary', onClick: reactivate }, 'Re-activate') : null,
        props.trigger.syncNow
          ? h(Button, { small: true, onClick: sync, title: syncTitle(props.trigger, props.trigger.syncNow) }, 'Sync now')
          : null,
        h(Link, { href: `${projectPath(props.ctx.projectId, 'logs')}?subscriptionId=${s.id}`, class: 'btn btn-ghost btn-small' }, 'Events'),
        h(Button, { small: true, kind: 'danger', onClick: remove }, 'Delete')));
}
