/// <reference lib="dom" />
// Logs → Triggers: the event timeline (newest first) with filters in the URL, live updates by polling the
// first page, and a panel with the envelope, payload, every attempt, the subscription log and Redeliver.
import { h } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ADMIN, api, errorMessage, get, qs } from '../api.js';
import { Badge, Button, CopyButton, Empty, ErrorBox, JsonBlock, Loading, StatusBadge, Time, fmtDate, shortId, toast, useAsync } from '../components.js';
import { loadCatalog } from '../catalog-cache.js';
import { Link, projectPath, setQuery, useLocation } from '../router.js';
import type { Catalog, EventDetail, EventRow, LogLine } from '../types.js';
import type { PageProps } from '../main.js';

const PAGE_SIZE = 50;
const LIVE_INTERVAL_MS = 3000;
const FILTER_KEYS = ['userId', 'integration', 'type', 'status', 'from', 'to', 'eventId', 'subscriptionId'] as const;
type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Timeline times: day and time to the second, the year only when it is not this one. */
function shortTime(iso: string): string {
  const d = new Date(iso);
  const thisYear = d.getFullYear() === new Date().getFullYear();
  return d.toLocaleString(undefined, { ...(thisYear ? {} : { year: 'numeric' }), month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** ISO → the value of a datetime-local input (local time, minutes). */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function Logs(props: PageProps) {
  const loc = useLocation();
  const filters: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = loc.query.get(k);
    if (v) filters[k] = v;
  }
  const selected = loc.query.get('event');
  const filterKey = JSON.stringify(filters);
  const catalog = useAsync(() => loadCatalog(props.projectId), [props.projectId]);
  const [live, setLive] = useState(true);
  const [events, setEvents] = useState<EventRow[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const eventsRef = useRef<EventRow[] | null>(null);
  eventsRef.current = events;

  const invalid = filters.eventId && !UUID.test(filters.eventId) ? 'An event id is a UUID, e.g. 0b0c1f9e-…' : null;
  const url = (cursor?: string) => `${ADMIN}/projects/${props.projectId}/events${qs({ ...filters, cursor, limit: PAGE_SIZE })}`;

  // First page whenever the filters change.
  useEffect(() => {
    setEvents(null);
    setNextCursor(null);
    setError(null);
    setFresh(new Set());
    if (invalid) return;
    let cancelled = false;
    get<{ events: EventRow[]; nextCursor: string | null }>(url()).then((r) => {
      if (cancelled) return;
      setEvents(r.events);
      setNextCursor(r.nextCursor);
      setUpdatedAt(new Date());
    }, (err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [props.projectId, filterKey]);

  // Live: poll the first page; new events go on top, known ones get their new status.
  useEffect(() => {
    if (!live || invalid) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible' || eventsRef.current === null) return;
      get<{ events: EventRow[] }>(url()).then((r) => {
        const current = eventsRef.current ?? [];
        const byId = new Map(r.events.map((e) => [e.id, e]));
        const newest = current.length > 0 ? Number(current[0]?.cursor ?? 0) : 0;
        const added = r.events.filter((e) => Number(e.cursor) > newest);
        if (added.length > 0) setFresh(new Set(added.map((e) => e.id)));
        setEvents([...added, ...current.map((e) => byId.get(e.id) ?? e)]);
        setUpdatedAt(new Date());
        setError(null);
      }, (err: unknown) => setError(errorMessage(err)));
    }, LIVE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [props.projectId, filterKey, live]);

  const loadOlder = async () => {
    if (!nextCursor) return;
    try {
      const r = await get<{ events: EventRow[]; nextCursor: string | null }>(url(nextCursor));
      setEvents([...(events ?? []), ...r.events]);
      setNextCursor(r.nextCursor);
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const titles = useMemo(() => {
    const m = new Map<string, string>();
    for (const i of catalog.data?.integrations ?? []) for (const t of i.triggers) m.set(t.type, t.title);
    return m;
  }, [catalog.data]);

  const hasFilters = Object.keys(filters).length > 0;
  // Closing the panel gives the focus back to the event's row.
  const closePanel = (id: string) => {
    setQuery({ event: undefined }, { replace: false });
    setTimeout(() => document.querySelector<HTMLElement>(`[data-event-id="${id}"]`)?.focus(), 0);
  };
  return h('div', { class: `page logs${selected ? ' with-panel' : ''}` },
    h('div', { class: 'page-head' },
      h('h1', null, 'Logs ', h('span', { class: 'muted' }, '→ Triggers')),
      h('div', { class: 'live' },
        h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'live', checked: live, onChange: (e: Event) => setLive((e.currentTarget as HTMLInputElement).checked) }), ' Live updates'),
        h('span', { class: 'muted small', 'aria-live': 'off' }, updatedAt ? `updated ${updatedAt.toLocaleTimeString()}` : ''))),
    h(FilterBar, { filters, catalog: catalog.data }),
    invalid ? h('p', { class: 'alert alert-error', role: 'alert' }, invalid) : null,
    h('div', { class: 'logs-body' },
      h('div', { class: 'timeline-wrap' },
        error ? h(ErrorBox, { message: error }) : null,
        events === null ? (invalid ? null : h(Loading, { what: 'events' }))
          : events.length === 0
            ? (hasFilters
              ? h(Empty, { title: 'No event matches these filters' }, h(Button, { small: true, onClick: () => setQuery(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined]))) }, 'Clear filters'))
              : h(Empty, { title: 'No events yet' }, 'Events appear here, live, as soon as a subscription detects one. Switch a trigger on for a connected user to start.'))
            : h('ol', { class: 'timeline', 'aria-label': 'Events, newest first' }, events.map((e) => h('li', { key: e.id, class: fresh.has(e.id) ? 'fresh' : undefined },
              h('button', {
                type: 'button', class: `event-row${selected === e.id ? ' selected' : ''}`, 'aria-current': selected === e.id ? 'true' : undefined,
                'data-event-id': e.id,
                onClick: () => setQuery({ event: e.id }, { replace: false }),
              },
              h('time', { class: 'event-time', dateTime: e.dateReceived, title: fmtDate(e.dateReceived) }, shortTime(e.dateReceived)),
              h(StatusBadge, { status: e.status }),
              h('span', { class: 'event-title' }, titles.get(e.triggerType) ?? e.triggerType),
              h('span', { class: 'event-user mono' }, e.userId),
              h('span', { class: 'event-id mono muted' }, shortId(e.id)))))),
        nextCursor ? h('div', { class: 'pager' }, h(Button, { small: true, onClick: loadOlder }, 'Load older events')) : null),
      selected ? h(EventPanel, { key: selected, projectId: props.projectId, eventId: selected, live, titles, onClose: () => closePanel(selected) }) : null));
}

function FilterBar(props: { filters: Filters; catalog: Catalog | undefined }) {
  const f = props.filters;
  const [userId, setUserId] = useState(f.userId ?? '');
  const [eventId, setEventId] = useState(f.eventId ?? '');
  useEffect(() => setUserId(f.userId ?? ''), [f.userId]);
  useEffect(() => setEventId(f.eventId ?? ''), [f.eventId]);
  // Text filters apply after a pause in typing; the others at once.
  useEffect(() => {
    const t = setTimeout(() => {
      if (userId.trim() !== (f.userId ?? '') || eventId.trim() !== (f.eventId ?? '')) setQuery({ userId: userId.trim(), eventId: eventId.trim() });
    }, 400);
    return () => clearTimeout(t);
  }, [userId, eventId]);
  const integrations = props.catalog?.integrations ?? [];
  const types = integrations.filter((i) => !f.integration || i.key === f.integration).flatMap((i) => i.triggers);
  const sel = (e: Event) => (e.currentTarget as HTMLSelectElement).value;
  const dateTo = (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value;
    return v === '' ? undefined : new Date(v).toISOString();
  };
  return h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter events', onSubmit: (e: Event) => e.preventDefault() },
    h('div', { class: 'field' }, h('label', { for: 'f-user' }, 'User id'), h('input', { id: 'f-user', value: userId, class: 'mono', onInput: (e: Event) => setUserId((e.currentTarget as HTMLInputElement).value) })),
    h('div', { class: 'field' }, h('label', { for: 'f-integration' }, 'Integration'),
      h('select', { id: 'f-integration', value: f.integration ?? '', onChange: (e: Event) => setQuery({ integration: sel(e), type: undefined }) },
        h('option', { value: '' }, 'All'), integrations.map((i) => h('option', { key: i.key, value: i.key }, i.name)))),
    h('div', { class: 'field' }, h('label', { for: 'f-type' }, 'Trigger'),
      h('select', { id: 'f-type', value: f.type ?? '', onChange: (e: Event) => setQuery({ type: sel(e) }) },
        h('option', { value: '' }, 'All'), types.map((t) => h('option', { key: t.type, value: t.type }, t.title)))),
    h('div', { class: 'field' }, h('label', { for: 'f-status' }, 'Status'),
      h('select', { id: 'f-status', value: f.status ?? '', onChange: (e: Event) => setQuery({ status: sel(e) }) },
        h('option', { value: '' }, 'All'), ['PENDING', 'DELIVERED', 'FAILED', 'HELD'].map((s) => h('option', { key: s, value: s }, s.toLowerCase())))),
    h('div', { class: 'field' }, h('label', { for: 'f-from' }, 'From'), h('input', { id: 'f-from', type: 'datetime-local', value: toLocalInput(f.from), onChange: (e: Event) => setQuery({ from: dateTo(e) }) })),
    h('div', { class: 'field' }, h('label', { for: 'f-to' }, 'To'), h('input', { id: 'f-to', type: 'datetime-local', value: toLocalInput(f.to), onChange: (e: Event) => setQuery({ to: dateTo(e) }) })),
    h('div', { class: 'field' }, h('label', { for: 'f-event' }, 'Event id'), h('input', { id: 'f-event', value: eventId, class: 'mono', placeholder: 'UUID', onInput: (e: Event) => setEventId((e.currentTarget as HTMLInputElement).value) })),
    f.subscriptionId
      ? h('div', { class: 'field chip-field' }, h('span', { class: 'label' }, 'Subscription'),
        h('span', { class: 'chip' }, h('span', { class: 'mono' }, shortId(f.subscriptionId)), h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': 'Remove the subscription filter', onClick: () => setQuery({ subscriptionId: undefined }) }, '✕')))
      : null,
    h('div', { class: 'field field-end' }, h(Button, { small: true, kind: 'ghost', onClick: () => setQuery(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined]))) }, 'Clear')));
}

function EventPanel(props: { projectId: string; eventId: string; live: boolean; titles: Map<string, string>; onClose: () => void }) {
  const base = `${ADMIN}/projects/${props.projectId}`;
  const ev = useAsync(() => get<EventDetail>(`${base}/events/${props.eventId}`), [props.projectId, props.eventId]);
  const subId = ev.data?.triggerSubscriptionId;
  const logs = useAsync(async () => (subId ? (await get<{ logs: LogLine[] }>(`${base}/subscriptions/${subId}/logs`)).logs : []), [subId]);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), [ev.data?.id]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !document.querySelector('dialog[open]')) props.onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  // Keep the panel current while attempts are being made.
  useEffect(() => {
    if (!props.live) return;
    const t = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      void ev.reload();
      void logs.reload();
    }, LIVE_INTERVAL_MS);
    return () => clearInterval(t);
  }, [props.live, ev.reload, logs.reload]);

  const errored = ev.data?.subscription?.status === 'ERRORED';
  const redeliver = async () => {
    try {
      await api('POST', `${base}/events/${props.eventId}/redeliver`);
      toast(errored ? 'Redelivery queued; it is held until the subscription is re-activated' : 'Redelivery queued (same event id)');
      await ev.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };
  const redeliverFailed = async () => {
    if (!subId || !confirm('Redeliver every FAILED event of this subscription? Each is sent again with its original event id.')) return;
    try {
      const r = await api<{ redelivered: number }>('POST', `${base}/events/redeliver`, { subscriptionId: subId });
      toast(`${r.redelivered} failed event${r.redelivered === 1 ? '' : 's'} queued for redelivery${errored ? ' (held until the subscription is re-activated)' : ''}`);
      await ev.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const reactivate = async () => {
    if (!ev.data || !subId) return;
    try {
      await api('PATCH', `${base}/users/${encodeURIComponent(ev.data.userId)}/trigger-subscriptions/${subId}`, { status: 'ACTIVE' });
      toast('Subscription re-activated: its held events are being delivered');
      await ev.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    }
  };

  const e = ev.data;
  const envelope = e ? {
    eventId: e.id, userId: e.userId, integration: e.integration, triggerType: e.triggerType, triggerSubscriptionId: e.triggerSubscriptionId,
    credentialId: e.credentialId, projectId: props.projectId, dateReceived: e.dateReceived, payload: e.payload,
    triggerSubscriptionMetadata: e.subscription?.webhookOverride?.metadata ?? {},
  } : null;

  return h('aside', { class: 'panel', 'aria-labelledby': 'panel-title', id: 'event-panel' },
    h('div', { class: 'panel-head' },
      h('h2', { id: 'panel-title', tabIndex: -1, ref: heading }, e ? (props.titles.get(e.triggerType) ?? e.triggerType) : 'Event'),
      h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': 'Close the event panel', onClick: props.onClose }, '✕')),
    ev.error ? h(ErrorBox, { message: ev.error, onRetry: ev.reload })
      : !e || !envelope ? h(Loading, { what: 'the event' })
        : h('div', { class: 'panel-body' },
          h('div', { class: 'panel-status' }, h(StatusBadge, { status: e.status }), h('span', { class: 'mono small' }, e.id), h(CopyButton, { text: e.id, label: 'Copy event id' })),
          e.subscription
            ? h('div', { class: 'actions' },
              h(Button, { kind: 'primary', onClick: redeliver, id: 'redeliver' }, 'Redeliver'),
              h(Button, { onClick: redeliverFailed, title: 'Every FAILED event of this subscription' }, 'Redeliver failed events of this subscription'))
            // The API refuses it (409): the subscription's webhookOverride went with it.
            : h('p', { class: 'muted small', id: 'subscription-deleted' }, 'Its subscription was deleted: its events are not delivered any more.'),
          errored
            ? h('div', { class: 'alert alert-warn' },
              h('span', null, 'The subscription is ERRORED: new and redelivered events are held until it is re-activated.'),
              h(Button, { small: true, kind: 'primary', onClick: reactivate }, 'Re-activate subscription'))
            : null,
          h('dl', { class: 'facts' },
            h('dt', null, 'Trigger'), h('dd', { class: 'mono' }, e.triggerType),
            h('dt', null, 'User'), h('dd', null, h(Link, { href: projectPath(props.projectId, `users/${encodeURIComponent(e.userId)}`), class: 'mono' }, e.userId)),
            h('dt', null, 'Received'), h('dd', null, fmtDate(e.dateReceived)),
            h('dt', null, 'Delivered'), h('dd', null, e.dateDelivered ? fmtDate(e.dateDelivered) : '—'),
            h('dt', null, 'Subscription'), h('dd', null,
              e.subscription ? [h('span', { key: 'id', class: 'mono' }, shortId(e.subscription.id)), ' ', h(StatusBadge, { key: 's', status: e.subscription.status }),
                e.subscription.error ? h('div', { key: 'e', class: 'small bad-text' }, e.subscription.error) : null]
                : h('span', { class: 'muted' }, 'deleted'))),
          h('h3', null, 'Delivery attempts'),
          e.attempts.length === 0
            ? h('p', { class: 'muted small' }, e.deliveries.some((d) => d.status === 'HELD') ? 'Held: the subscription is ERRORED; re-activate it to deliver.' : 'No attempt yet.')
            : h('div', { class: 'table-wrap' }, h('table', { class: 'attempts' },
              h('thead', null, h('tr', null, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Latency'), h('th', { scope: 'col' }, 'Outcome'))),
              h('tbody', null, e.attempts.map((a, i) => [
                h('tr', { key: `${a.deliveryId}-${a.attempt}` },
                  h('td', null, i + 1, a.attempt === 1 && a.deliveryId !== e.attempts[0]?.deliveryId ? h('div', null, h(Badge, { kind: 'info' }, 'redelivery')) : null),
                  h('td', null, h(Time, { iso: a.startedAt })),
                  h('td', null, a.statusCode ?? '—'),
                  h('td', null, `${a.latencyMs} ms`),
                  h('td', null, h(StatusBadge, { status: a.outcome }))),
                h('tr', { key: `${a.deliveryId}-${a.attempt}-d`, class: 'attempt-detail' },
                  h('td', { colSpan: 5 },
                    h('div', { class: 'mono small url' }, a.url),
                    a.error ? h('div', { class: 'small bad-text' }, a.error) : null,
                    a.responseExcerpt ? h('pre', { class: 'excerpt' }, a.responseExcerpt) : null)),
              ])))),
          e.deliveries.filter((d) => d.status === 'PENDING' && d.nextAttemptAt).map((d) => h('p', { key: d.id, class: 'small muted' }, `Next attempt ${fmtDate(d.nextAttemptAt)}`, d.lastError ? ` (last error: ${d.lastError})` : '')),
          h(JsonBlock, { label: 'Payload', value: e.payload }),
          h('details', { class: 'envelope' }, h('summary', null, 'Envelope (the delivered body)'), h(JsonBlock, { label: 'Envelope', value: envelope })),
          h('h3', null, 'Subscription log'),
          logs.error ? h(ErrorBox, { message: logs.error })
            : (logs.data ?? []).length === 0 ? h('p', { class: 'muted small' }, 'No log line.')
              : h('ol', { class: 'loglines' }, (logs.data ?? []).map((l, i) => h('li', { key: i, class: `log-${l.level}` },
                h(Time, { iso: l.at }), ' ', h(Badge, { kind: l.level === 'error' ? 'bad' : l.level === 'warn' ? 'wait' : 'neutral' }, l.level), ' ', l.message)))));
}
