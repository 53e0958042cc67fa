/// <reference lib="dom" />
// Connected users: searchable, paginated (cursor = last user id of the page).
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ADMIN, get, qs } from '../api.js';
import { Badge, Button, Empty, ErrorBox, Loading, Time, useAsync } from '../components.js';
import { Link, projectPath, setQuery, useLocation } from '../router.js';
import type { UserRow } from '../types.js';
import type { PageProps } from '../main.js';

const PAGE_SIZE = 25;

export function Users(props: PageProps) {
  const loc = useLocation();
  const search = loc.query.get('search') ?? '';
  const cursor = loc.query.get('cursor') ?? '';
  const [text, setText] = useState(search);
  // Cursors of the pages before this one, for "Previous".
  const [trail, setTrail] = useState<string[]>([]);

  // Back/forward changes the URL: show its search in the box.
  useEffect(() => setText(search), [search]);
  useEffect(() => {
    const t = setTimeout(() => {
      if (text !== search) {
        setTrail([]);
        setQuery({ search: text, cursor: undefined });
      }
    }, 250);
    return () => clearTimeout(t);
  }, [text]);

  const users = useAsync(
    () => get<{ users: UserRow[]; nextCursor: string | null }>(`${ADMIN}/projects/${props.projectId}/users${qs({ search, cursor, limit: PAGE_SIZE })}`),
    [props.projectId, search, cursor],
  );
  const rows = users.data?.users ?? [];

  return h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', null, 'Connected users')),
    h('div', { class: 'toolbar' },
      h('div', { class: 'field grow' },
        h('label', { for: 'user-search' }, 'Search users'),
        h('input', { id: 'user-search', type: 'search', value: text, placeholder: 'User id contains…', onInput: (e: Event) => setText((e.currentTarget as HTMLInputElement).value) }))),
    users.error ? h(ErrorBox, { message: users.error, onRetry: users.reload })
      : !users.data ? h(Loading, { what: 'users' })
        : rows.length === 0
          ? (search
            ? h(Empty, { title: `No user matches “${search}”` }, 'User ids are matched anywhere, case-sensitively on PostgreSQL.')
            : h(Empty, { title: 'No connected users yet' }, 'A user appears when their first user token reaches the Triggers API, or when a credential is stored for them (OAuth connect or the admin API).'))
          : h('div', { class: 'table-wrap' }, h('table', { class: 'users stack' },
            h('caption', { class: 'sr-only' }, 'Connected users'),
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, 'User'), h('th', { scope: 'col' }, 'Integrations'), h('th', { scope: 'col' }, 'Subscriptions'),
              h('th', { scope: 'col' }, 'Last event'), h('th', { scope: 'col' }, 'First seen'))),
            h('tbody', null, rows.map((u) => h('tr', { key: u.id },
              h('td', { 'data-label': 'User' }, h(Link, { href: projectPath(props.projectId, `users/${encodeURIComponent(u.id)}`), class: 'mono' }, u.id)),
              h('td', { 'data-label': 'Integrations' }, u.integrations.length ? u.integrations.map((i) => h(Badge, { key: i }, i)) : h('span', { class: 'muted' }, 'none')),
              h('td', { 'data-label': 'Subscriptions' },
                h('span', { class: 'count-ok' }, `${u.activeSubscriptions} active`),
                u.erroredSubscriptions > 0 ? h('span', { class: 'count-bad' }, ` · ${u.erroredSubscriptions} errored`) : null),
              h('td', { 'data-label': 'Last event' }, h(Time, { iso: u.lastEventAt, relative: true })),
              h('td', { 'data-label': 'First seen' }, h(Time, { iso: u.createdAt }))))))),
    h('nav', { class: 'pager', 'aria-label': 'Pages of users' },
      h(Button, {
        small: true, disabled: trail.length === 0 && cursor === '',
        onClick: () => {
          const prev = trail[trail.length - 1];
          setTrail(trail.slice(0, -1));
          setQuery({ cursor: prev ?? undefined }, { replace: false });
        },
      }, '← Previous'),
      h(Button, {
        small: true, disabled: !users.data?.nextCursor,
        onClick: () => {
          setTrail([...trail, cursor]);
          setQuery({ cursor: users.data?.nextCursor ?? undefined }, { replace: false });
        },
      }, 'Next →')));
}
