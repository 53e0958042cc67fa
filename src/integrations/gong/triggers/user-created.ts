// New Gong users: polls List users by filter (`POST /v2/users/extensive`, scope api:users:read) by
// `filter.createdFromDateTime`. The key is the user id. https://help.gong.io/apidocs/list-users-by-filter-v2usersextensive
import { defineTrigger } from '../../../sdk/index.js';
import user from '../fixtures/user.json' with { type: 'json' };
import { isoTime, listPage } from '../api.js';
import { pollWindow, timeOf } from '../poll.js';

/** Users are listed as soon as they are created; the window re-reads a few minutes for clock skew. */
export const USER_LOOKBACK_MS = 10 * 60_000;

interface GongUser {
  id?: unknown;
  created?: unknown;
}

export const userCreatedTrigger = defineTrigger<Record<string, never>>({
  type: 'GONG_TRIGGER_USER_CREATED',
  title: 'New user',
  description:
    'Fires once for each new user in the Gong company. Polls List users by filter by creation time; delivers the user `{id, emailAddress, created, active, firstName, lastName, title, managerId, …}`.',
  parameters: [],
  examplePayload: user,
  docsUrl: 'https://help.gong.io/apidocs/list-users-by-filter-v2usersextensive',
  source: {
    kind: 'poll',
    poll: (ctx) =>
      pollWindow<GongUser>(ctx, {
        lookbackMs: USER_LOOKBACK_MS,
        page: (from, to, cursor) =>
          listPage<GongUser>(ctx.http, {
            method: 'POST',
            path: '/v2/users/extensive',
            field: 'users',
            body: { filter: { createdFromDateTime: isoTime(from), createdToDateTime: isoTime(to) } },
            cursor,
            now: ctx.now(),
          }),
        item: (u) => {
          if (typeof u.id !== 'string' || u.id === '') return null;
          const at = timeOf(u.created);
          return { key: u.id, payload: u, ...(at !== undefined ? { occurredAt: at } : {}) };
        },
      }),
  },
});
