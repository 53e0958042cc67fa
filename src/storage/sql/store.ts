// The storage port implemented once over Kysely for both dialects.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Keyring } from '../../secrets/keyring.js';
import type { Storage } from '../port.js';
import type { Database } from '../schema.js';
import type { RepoContext } from './context.js';
import { credentialsRepo } from './credentials.js';
import { attemptsRepo, deliveriesRepo } from './deliveries.js';
import { eventsRepo } from './events.js';
import { integrationConfigsRepo } from './integration-configs.js';
import { customTriggersRepo, logsRepo, metaRepo, oauthStatesRepo } from './misc.js';
import { projectsRepo, signingKeysRepo } from './projects.js';
import { subscriptionsRepo } from './subscriptions.js';
import { usersRepo } from './users.js';

export interface DialectHooks {
  dialect: 'sqlite' | 'postgres';
  /** Tell other processes (PostgreSQL NOTIFY); a no-op on SQLite where the only worker is in-process. */
  notifyOtherProcesses(): Promise<void>;
  /** Start listening to other processes' notifications; returns a stop function. */
  listenToOtherProcesses(onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function createSqlStore(db: Kysely<Database>, keyring: Keyring, hooks: DialectHooks): Storage {
  const listeners = new Set<() => void>();
  let stopListening: (() => Promise<void>) | null = null;
  let listening: Promise<void> | null = null;

  const fireLocal = () => {
    for (const l of listeners) l();
  };
  const wakeNow = async () => {
    fireLocal();
    await hooks.notifyOtherProcesses();
  };

  function build(executor: Kysely<Database>, wake: () => Promise<void>, inTransaction: boolean): Storage {
    const ctx: RepoContext = { db: executor, keyring, dialect: hooks.dialect, wakeDeliveryWorkers: wake };
    const store: Storage = {
      dialect: hooks.dialect,
      async transaction(fn) {
        if (inTransaction) return fn(store);
        // Wake-ups requested inside the transaction are sent after commit, when the rows are visible.
        let wakeRequested = false;
        const result = await executor.transaction().execute((trx) =>
          fn(build(trx, async () => { wakeRequested = true; }, true)),
        );
        if (wakeRequested) await wakeNow();
        return result;
      },
      async ping() {
        await sql`SELECT 1`.execute(executor);
      },
      async close() {
        if (stopListening) await stopListening();
        await hooks.close();
      },
      onDeliveriesQueued(listener) {
        listeners.add(listener);
        if (!listening) {
          listening = hooks.listenToOtherProcesses(fireLocal).then((stop) => {
            stopListening = stop;
          });
        }
        return () => listeners.delete(listener);
      },
      meta: metaRepo(ctx),
      projects: projectsRepo(ctx),
      signingKeys: signingKeysRepo(ctx),
      integrationConfigs: integrationConfigsRepo(ctx),
      users: usersRepo(ctx),
      credentials: credentialsRepo(ctx),
      subscriptions: subscriptionsRepo(ctx),
      events: eventsRepo(ctx),
      deliveries: deliveriesRepo(ctx),
      attempts: attemptsRepo(ctx),
      logs: logsRepo(ctx),
      oauthStates: oauthStatesRepo(ctx),
      customTriggers: customTriggersRepo(ctx),
    };
    return store;
  }

  return build(db, wakeNow, false);
}
