#!/usr/bin/env node
// The opentriggers command: start, migrate, token, catalog.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, ROLES, loadConfig } from '../config.js';
import { startService } from '../main.js';
import { migrateOnly } from '../storage/open.js';
import { integrations } from '../integrations/index.js';
import { defaultPlugins, defaultWorkers } from '../roles.js';
import { mintUserToken } from './token.js';

const USAGE = `Usage: opentriggers <command> [options]

Commands:
  start [--role all|api|worker]     run the service (default role: $OPENTRIGGERS_ROLE or all)
  migrate                           apply database migrations and exit
  token --project <id> --user <id> [--key <private key PEM file>] [--ttl <seconds>]
                                    mint a user token for trying the Triggers API
  catalog [--json]                  list integrations and their triggers
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { role: { type: 'string' } } });
      const role = values.role ?? process.env.OPENTRIGGERS_ROLE;
      if (role !== undefined && !(ROLES as readonly string[]).includes(role)) {
        console.error(`--role must be one of ${ROLES.join(', ')}`);
        return 2;
      }
      const config = loadConfig({ ...process.env, ...(role ? { OPENTRIGGERS_ROLE: role } : {}) });
      const svc = await startService(config, {
        integrations,
        plugins: defaultPlugins(),
        workers: defaultWorkers(),
        announce: (line) => console.log(line),
      });
      svc.logger.info({ role: config.role, url: svc.url, publicUrl: config.publicUrl, database: config.databaseUrl.split(':')[0] }, 'OpenTriggers started');
      if (svc.url) console.log(`OpenTriggers (${config.role}) listening on ${svc.url} — dashboard: ${config.publicUrl}/dashboard, API reference: ${config.publicUrl}/docs`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          svc.logger.info({ signal }, 'shutting down');
          svc.stop().then(resolve, (err: unknown) => {
            svc.logger.error({ err }, 'shutdown failed');
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      return 0;
    }
    case 'migrate': {
      const config = loadConfig();
      const applied = await migrateOnly(config.databaseUrl);
      console.log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    case 'token': {
      const { values } = parseArgs({
        args: rest,
        options: { project: { type: 'string' }, user: { type: 'string' }, key: { type: 'string' }, ttl: { type: 'string' } },
      });
      if (!values.project || !values.user) {
        console.error('token needs --project <id> and --user <id>');
        return 2;
      }
      const pem = values.key ? readFileSync(values.key, 'utf8') : process.env.OPENTRIGGERS_SIGNING_KEY;
      if (!pem) {
        console.error('token needs --key <file with the private key PEM> (or OPENTRIGGERS_SIGNING_KEY)');
        return 2;
      }
      const ttl = values.ttl ? Number(values.ttl) : 3600;
      console.log(await mintUserToken({ projectId: values.project, userId: values.user, privateKeyPem: pem, ttlSeconds: ttl }));
      return 0;
    }
    case 'catalog': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } });
      if (values.json) {
        console.log(JSON.stringify(integrations.map((i) => ({ key: i.key, name: i.name, triggers: i.triggers.map((t) => ({ type: t.type, title: t.title, model: t.source.kind })) })), null, 2));
        return 0;
      }
      for (const i of integrations) {
        console.log(`${i.key} (${i.name})`);
        for (const t of i.triggers) console.log(`  ${t.type.padEnd(52)} ${t.source.kind === 'poll' ? 'POLLING' : 'WEBHOOK'}  ${t.title}`);
      }
      return 0;
    }
    default:
      console.log(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
