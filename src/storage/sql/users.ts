import { sql, type Selectable } from 'kysely';
import type { ConnectedUser, Storage } from '../port.js';
import type { ConnectedUsersTable } from '../schema.js';
import type { RepoContext } from './context.js';

/** last_seen_at is refreshed at most this often, so authenticated reads do not turn into writes. */
const TOUCH_RESOLUTION_MS = 60_000;

export function usersRepo({ db }: RepoContext): Storage['users'] {
  const toUser = (r: Selectable<ConnectedUsersTable>): ConnectedUser => ({
    projectId: r.project_id,
    id: r.id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
  });
  return {
    async touch(projectId, userId) {
      const now = Date.now();
      await db
        .insertInto('connected_users')
        .values({ project_id: projectId, id: userId, created_at: now, last_seen_at: now })
        .onConflict((oc) =>
          oc
            .columns(['project_id', 'id'])
            .doUpdateSet({ last_seen_at: now })
            .where('connected_users.last_seen_at', '<', now - TOUCH_RESOLUTION_MS),
        )
        .execute();
    },
    async get(projectId, userId) {
      const row = await db.selectFrom('connected_users').selectAll().where('project_id', '=', projectId).where('id', '=', userId).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async list(projectId, q) {
      let query = db.selectFrom('connected_users').selectAll().where('project_id', '=', projectId);
      if (q.search !== undefined && q.search !== '') {
        // Escape LIKE wildcards so a search for "a_b" means exactly that.
        const pattern = `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where(sql<boolean>`id LIKE ${pattern} ESCAPE '\\'`);
      }
      if (q.afterId !== undefined) query = query.where('id', '>', q.afterId);
      const rows = await query.orderBy('id').limit(q.limit).execute();
      return rows.map(toUser);
    },
    async delete(projectId, userId) {
      const r = await db.deleteFrom('connected_users').where('project_id', '=', projectId).where('id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
