// Choosing a concrete adapter from DATABASE_URL. Only main.ts, the CLI and test helpers call this.
import type { Keyring } from '../secrets/keyring.js';
import type { Storage } from './port.js';
import { createPgPool, migratePostgres, openPostgres } from './postgres/dialect.js';
import { coalescedNotifier } from './postgres/notifier.js';
import { startCheckpointer } from './sqlite/checkpointer.js';
import { migrateSqlite, openSqlite, sqlitePathFromUrl } from './sqlite/dialect.js';
import { createSqlStore } from './sql/store.js';

const NOTIFY_CHANNEL = 'opentriggers_deliveries';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export async function openStorage(
  url: string,
  keyring: Keyring,
  opts: {
    migrate?: boolean;
    poolSize?: number;
    pgPreparedStatements?: boolean;
    /** A NOTIFY to other processes failed (they find the work on their next poll); default: a process warning. */
    onNotifyError?: (err: unknown) => void;
  } = {},
): Promise<Storage> {
  const migrate = opts.migrate ?? true;
  if (isPostgresUrl(url)) {
    const pool = createPgPool(url, opts.poolSize ?? 10);
    const db = openPostgres(pool, { namedStatements: opts.pgPreparedStatements ?? true });
    if (migrate) await migratePostgres(db, pool);
    // The payload names the sending store and whether deliveries became due ('d') or events were only
    // stored ('s': their deliveries went straight to the sender's own worker). The sender has told its
    // own listeners already; the others' workers look only when there is something to claim.
    const instance = crypto.randomUUID();
    const notifier = coalescedNotifier(
      async (due) => {
        await pool.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, `${instance}:${due ? 'd' : 's'}`]);
      },
      opts.onNotifyError ?? ((err) => process.emitWarning(`NOTIFY to other OpenTriggers processes failed: ${(err as Error).message}`)),
    );
    return createSqlStore(db, keyring, {
      dialect: 'postgres',
      async notifyOtherProcesses({ due }) {
        notifier.notify(due); // not awaited: see notifier.ts
      },
      async listenToOtherProcesses(onNotify) {
        // LISTEN needs a connection of its own that stays checked out for the life of the process.
        const client = await pool.connect();
        const onNotification = (msg: { payload?: string }) => {
          const [from, kind] = (msg.payload ?? '').split(':');
          if (from !== instance) onNotify({ due: kind !== 's' });
        };
        client.on('notification', onNotification);
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
        return async () => {
          client.off('notification', onNotification);
          await client.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => undefined);
          client.release();
        };
      },
      async close() {
        await notifier.settled();
        await db.destroy();
      },
    });
  }
  if (url.startsWith('sqlite:')) {
    const path = sqlitePathFromUrl(url);
    const db = openSqlite(path);
    if (migrate) await migrateSqlite(db);
    const checkpointer = path === ':memory:' ? null : startCheckpointer(path);
    return createSqlStore(db, keyring, {
      dialect: 'sqlite',
      async notifyOtherProcesses() {},
      async listenToOtherProcesses() {
        return async () => {};
      },
      async close() {
        await checkpointer?.stop();
        await db.destroy();
      },
    });
  }
  throw new Error('DATABASE_URL must start with sqlite: or postgres://');
}

export async function migrateOnly(url: string): Promise<number[]> {
  if (isPostgresUrl(url)) {
    const pool = createPgPool(url, 2);
    const db = openPostgres(pool, { namedStatements: false }); // every statement runs once
    try {
      return (await migratePostgres(db, pool)).applied;
    } finally {
      await db.destroy();
    }
  }
  const db = openSqlite(sqlitePathFromUrl(url));
  try {
    return (await migrateSqlite(db)).applied;
  } finally {
    await db.destroy();
  }
}
