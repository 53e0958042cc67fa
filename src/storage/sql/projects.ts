import type { Selectable } from 'kysely';
import type { Project, SigningKey, Storage } from '../port.js';
import type { ProjectsTable, SigningKeysTable } from '../schema.js';
import { newId, type RepoContext } from './context.js';

export function projectsRepo({ db, keyring }: RepoContext): Storage['projects'] {
  const toProject = (r: Selectable<ProjectsTable>): Project => ({
    id: r.id,
    name: r.name,
    webhookUrl: r.webhook_url,
    signingSecret: keyring.open(r.signing_secret),
    previousSigningSecret: r.previous_signing_secret === null ? null : keyring.open(r.previous_signing_secret),
    previousSecretExpiresAt: r.previous_secret_expires_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  return {
    async create(p) {
      const now = Date.now();
      const row = await db
        .insertInto('projects')
        .values({
          id: newId(),
          name: p.name,
          webhook_url: p.webhookUrl,
          signing_secret: keyring.seal(p.signingSecret),
          previous_signing_secret: null,
          previous_secret_expires_at: null,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toProject(row);
    },
    async get(id) {
      const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toProject(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('projects').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toProject);
    },
    async update(id, patch) {
      const values: Partial<ProjectsTable> = { updated_at: Date.now() };
      if (patch.name !== undefined) values.name = patch.name;
      if (patch.webhookUrl !== undefined) values.webhook_url = patch.webhookUrl;
      if (patch.signingSecret !== undefined) values.signing_secret = keyring.seal(patch.signingSecret);
      if (patch.previousSigningSecret !== undefined) {
        values.previous_signing_secret = patch.previousSigningSecret === null ? null : keyring.seal(patch.previousSigningSecret);
      }
      if (patch.previousSecretExpiresAt !== undefined) values.previous_secret_expires_at = patch.previousSecretExpiresAt;
      const row = await db.updateTable('projects').set(values).where('id', '=', id).returningAll().executeTakeFirst();
      return row ? toProject(row) : null;
    },
    async delete(id) {
      // Rows without a foreign key (events and their payloads, deliveries, attempts, logs) are removed explicitly.
      await db.deleteFrom('event_payloads').where('seq', 'in', db.selectFrom('events').select('seq').where('project_id', '=', id)).execute();
      for (const table of ['attempts', 'deliveries', 'events', 'subscription_logs'] as const) {
        await db.deleteFrom(table).where('project_id', '=', id).execute();
      }
      const r = await db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export function signingKeysRepo({ db }: RepoContext): Storage['signingKeys'] {
  const toKey = (r: Selectable<SigningKeysTable>): SigningKey => ({
    id: r.id,
    projectId: r.project_id,
    publicKey: r.public_key,
    algorithm: r.algorithm,
    createdAt: r.created_at,
  });
  return {
    async create(k) {
      const row = await db
        .insertInto('signing_keys')
        .values({ id: newId(), project_id: k.projectId, public_key: k.publicKey, algorithm: k.algorithm, created_at: Date.now() })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toKey(row);
    },
    async list(projectId) {
      const rows = await db.selectFrom('signing_keys').selectAll().where('project_id', '=', projectId).orderBy('created_at').execute();
      return rows.map(toKey);
    },
    async delete(projectId, id) {
      const r = await db.deleteFrom('signing_keys').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
