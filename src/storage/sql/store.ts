// The storage port implemented once over Kysely for both dialects.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Keyring } from '../../secrets/keyring.js';
import type { LocalDeliveryWorker, Storage } from '../port.js';
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
import { writeGroup } from './write-group.js';

export interface DialectHooks {
  dialect: 'sqlite' | 'postgres';
  /**
   * Tell other processes (PostgreSQL NOTIFY); a no-op on SQLite where the only worker is in-process.
   * `due`: deliveries became due; else events were only stored (for pull/stream consumers). May return
   * before the notification is sent (postgres/notifier.ts).
   */
  notifyOtherProcesses(opts: { due: boolean }): Promise<void>;
  /** Start listening to other processes' notifications (not this store's own); returns a stop function. */
  listenToOtherProcesses(onNotify: (opts: { due: boolean }) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function createSqlStore(db: Kysely<Database>, keyring: Keyring, hooks: DialectHooks): Storage {
  const deliveryListeners = new Set<() => void>();
  const eventListeners = new Set<() => void>();
  let stopListening: (() => Promise<void>) | null = null;
  let listening: Promise<void> | null = null;
  let localWorker: LocalDeliveryWorker | null = null;

  const fire = (due: boolean) => {
    if (due) for (const l of deliveryListeners) l();
    for (const l of eventListeners) l();
  };
  const wakeNow = async (opts: { due: boolean } = { due: true }) => {
    fire(opts.due);
    await hooks.notifyOtherProcesses(opts);
  };
  const listen = () => {
    listening ??= hooks.listenToOtherProcesses((opts) => fire(opts.due)).then((stop) => {
      stopListening = stop;
    });
  };

  const writes = writeGroup(db, hooks.dialect, wakeNow, () => localWorker);

  function build(executor: Kysely<Database>, wake: () => Promise<void>, inTransaction: boolean): Storage {
    const ctx: RepoContext = {
      db: executor,
      keyring,
      dialect: hooks.dialect,
      wakeDeliveryWorkers: wake,
      ...(inTransaction ? {} : { writeGroup: writes }),
    };
    const store: Storage = {
      dialect: hooks.dialect,
      async transaction(fn) {
        if (inTransaction) return fn(store);
        // Wake-ups requested inside the transaction are sent after commit, when the rows are visible.
        let wakeRequested: { due: boolean } | null = null;
        const result = await executor.transaction().execute((trx) =>
          fn(build(trx, async (opts = { due: true }) => {
            wakeRequested = { due: (wakeRequested?.due ?? false) || opts.due };
          }, true)),
        );
        if (wakeRequested) await wakeNow(wakeRequested);
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
        deliveryListeners.add(listener);
        listen();
        return () => deliveryListeners.delete(listener);
      },
      onEventsStored(listener) {
        eventListeners.add(listener);
        listen();
        return () => eventListeners.delete(listener);
      },
      attachLocalWorker(worker) {
        localWorker = worker;
        return () => {
          if (localWorker === worker) localWorker = null;
        };
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
