import type { Selectable } from 'kysely';
import type { Credential, CredentialSecrets, CredentialStatus, Storage } from '../port.js';
import type { CredentialsTable } from '../schema.js';
import type { Keyring } from '../../secrets/keyring.js';
import { newId, type RepoContext } from './context.js';

/** A stored row as a Credential, its secrets opened. */
export const credentialFromRow = (keyring: Keyring, r: Selectable<CredentialsTable>): Credential => ({
  id: r.id,
  projectId: r.project_id,
  userId: r.user_id,
  integration: r.integration,
  providerAccountId: r.provider_account_id,
  status: r.status as CredentialStatus,
  statusReason: r.status_reason,
  secrets: JSON.parse(keyring.open(r.secrets)) as CredentialSecrets,
  keyId: r.key_id,
  expiresAt: r.expires_at,
  rateLimitedUntil: r.rate_limited_until,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function credentialsRepo({ db, keyring }: RepoContext): Storage['credentials'] {
  const toCredential = (r: Selectable<CredentialsTable>) => credentialFromRow(keyring, r);
  return {
    async create(c) {
      const now = Date.now();
      const row = await db
        .insertInto('credentials')
        .values({
          id: newId(),
          project_id: c.projectId,
          user_id: c.userId,
          integration: c.integration,
          provider_account_id: c.providerAccountId,
          status: 'VALID',
          status_reason: null,
          secrets: keyring.seal(JSON.stringify(c.secrets)),
          key_id: keyring.currentKeyId,
          expires_at: c.expiresAt,
          refresh_lock_until: null,
          rate_limited_until: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toCredential(row);
    },
    async get(id) {
      const row = await db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toCredential(row) : null;
    },
    async listForUser(projectId, userId, integration) {
      let q = db.selectFrom('credentials').selectAll().where('project_id', '=', projectId).where('user_id', '=', userId);
      if (integration !== undefined) q = q.where('integration', '=', integration);
      // Most recent first: "the user's most recent valid credential" is the default (SPEC §2).
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map(toCredential);
    },
    async findByProviderAccount(projectId, integration, providerAccountId) {
      const rows = await db
        .selectFrom('credentials')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('integration', '=', integration)
        .where('provider_account_id', '=', providerAccountId)
        .execute();
      return rows.map(toCredential);
    },
    async update(id, patch) {
      const values: Partial<CredentialsTable> = { updated_at: Date.now() };
      if (patch.secrets !== undefined) {
        values.secrets = keyring.seal(JSON.stringify(patch.secrets));
        values.key_id = keyring.currentKeyId;
      }
      if (patch.expiresAt !== undefined) values.expires_at = patch.expiresAt;
      if (patch.status !== undefined) values.status = patch.status;
      if (patch.statusReason !== undefined) values.status_reason = patch.statusReason;
      if (patch.providerAccountId !== undefined) values.provider_account_id = patch.providerAccountId;
      if (patch.rateLimitedUntil !== undefined) values.rate_limited_until = patch.rateLimitedUntil;
      const row = await db.updateTable('credentials').set(values).where('id', '=', id).returningAll().executeTakeFirst();
      return row ? toCredential(row) : null;
    },
    async delete(id) {
      const r = await db.deleteFrom('credentials').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async tryLockRefresh(id, now, until) {
      // Compare-and-set in one statement: of several processes racing, exactly one sees a row updated.
      const r = await db
        .updateTable('credentials')
        .set({ refresh_lock_until: until })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('refresh_lock_until', 'is', null), eb('refresh_lock_until', '<', now)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async unlockRefresh(id) {
      await db.updateTable('credentials').set({ refresh_lock_until: null }).where('id', '=', id).execute();
    },
    async listExpiringBefore(at, limit) {
      const rows = await db
        .selectFrom('credentials')
        .selectAll()
        .where('status', '=', 'VALID')
        .where('expires_at', 'is not', null)
        .where('expires_at', '<', at)
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map(toCredential);
    },
  };
}
