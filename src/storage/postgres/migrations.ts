// Versioned schema for PostgreSQL. Append new versions; never edit an applied one.
import type { Migration } from '../migrate.js';

export const postgresMigrations: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  webhook_url TEXT,
  signing_secret TEXT NOT NULL,
  previous_signing_secret TEXT,
  previous_secret_expires_at BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE signing_keys (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  public_key TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX signing_keys_project ON signing_keys(project_id);

CREATE TABLE integration_configs (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  integration TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  client_id TEXT,
  client_secret TEXT,
  webhook_secret TEXT,
  scopes TEXT,
  api_base_url TEXT,
  authorization_url TEXT,
  token_url TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, integration)
);

CREATE TABLE connected_users (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, id)
);

CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  integration TEXT NOT NULL,
  provider_account_id TEXT,
  status TEXT NOT NULL,
  status_reason TEXT,
  secrets TEXT NOT NULL,
  key_id TEXT NOT NULL,
  expires_at BIGINT,
  refresh_lock_until BIGINT,
  rate_limited_until BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX credentials_user ON credentials(project_id, user_id, integration);
CREATE INDEX credentials_account ON credentials(project_id, integration, provider_account_id);
CREATE INDEX credentials_expiry ON credentials(expires_at);

CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  credential_id TEXT,
  integration TEXT NOT NULL,
  trigger_type TEXT NOT NULL,
  parameters TEXT NOT NULL,
  webhook_override TEXT,
  status TEXT NOT NULL,
  error TEXT,
  state TEXT NOT NULL,
  secret TEXT,
  date_created BIGINT NOT NULL,
  date_last_received_event BIGINT,
  next_poll_at BIGINT,
  poll_lease_until BIGINT,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  renew_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions(project_id, user_id);
CREATE INDEX subscriptions_credential ON subscriptions(credential_id);
CREATE INDEX subscriptions_poll ON subscriptions(next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX subscriptions_renew ON subscriptions(renew_at) WHERE renew_at IS NOT NULL;
CREATE INDEX subscriptions_trigger ON subscriptions(project_id, integration, trigger_type);

CREATE TABLE events (
  seq BIGSERIAL PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  credential_id TEXT,
  integration TEXT NOT NULL,
  trigger_type TEXT NOT NULL,
  dedupe_key TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  date_received BIGINT NOT NULL,
  delivered_at BIGINT,
  UNIQUE (subscription_id, dedupe_key)
);
CREATE INDEX events_project ON events(project_id, seq);
CREATE INDEX events_user ON events(project_id, user_id, seq);
CREATE INDEX events_subscription ON events(subscription_id, seq);
CREATE INDEX events_status ON events(project_id, status, seq);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  status TEXT NOT NULL,
  attempt_count INTEGER NOT NULL DEFAULT 0,
  run_at BIGINT NOT NULL,
  lease_owner TEXT,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(run_at) WHERE status IN ('PENDING', 'SENDING');
CREATE INDEX deliveries_event ON deliveries(event_id);
CREATE INDEX deliveries_held ON deliveries(subscription_id) WHERE status = 'HELD';

CREATE TABLE attempts (
  id BIGSERIAL PRIMARY KEY,
  delivery_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  attempt_number INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  url TEXT NOT NULL,
  status_code INTEGER,
  latency_ms INTEGER NOT NULL,
  response_excerpt TEXT,
  error TEXT,
  outcome TEXT NOT NULL
);
CREATE INDEX attempts_event ON attempts(event_id, id);

CREATE TABLE subscription_logs (
  id BIGSERIAL PRIMARY KEY,
  project_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  level TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX subscription_logs_subscription ON subscription_logs(subscription_id, id);

CREATE TABLE oauth_states (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  integration TEXT NOT NULL,
  redirect_url TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT,
  created_at BIGINT NOT NULL
);

CREATE TABLE custom_triggers (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  integration TEXT NOT NULL,
  type TEXT NOT NULL,
  definition TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (project_id, type)
);
`,
  },
  {
    version: 2,
    name: 'event log filters by trigger type and integration',
    // The dashboard's and admin API's event filters page newest-first within one trigger type or
    // integration; without these they scan the project's whole event history when nothing matches.
    sql: `
CREATE INDEX events_trigger_type ON events(project_id, trigger_type, seq);
CREATE INDEX events_integration ON events(project_id, integration, seq);
`,
  },
  {
    version: 3,
    name: 'events_status indexes only the statuses that are looked up by status',
    // The event log's status filter is selective only for FAILED and HELD (redelivery, releases); every
    // other status is most of the log, read newest-first through events_project. Indexing PENDING and
    // DELIVERED as well cost an index insert per stored event and a delete + insert per delivery on the
    // hot path (docs/benchmarks.md). Queries name these statuses as SQL literals so that the planner can
    // prove the partial index applies.
    sql: `
DROP INDEX events_status;
CREATE INDEX events_status ON events(project_id, status, seq) WHERE status IN ('FAILED', 'HELD');
`,
  },
  {
    version: 4,
    name: 'event payloads in a table of their own',
    // A delivered event's status and delivered_at change once or more; its payload never does. In the
    // same row, every status change rewrote the whole payload (a 3.4 KB GitHub payload fills most of a
    // page), so recording a batch of deliveries cost a page write per event. Apart, consecutive events'
    // small rows share pages, the payload is written once, and the event log's list queries read
    // a dozen events per page (bench/hot-path-changes.md, fourth round).
    sql: `
CREATE TABLE event_payloads (seq BIGINT PRIMARY KEY, payload TEXT NOT NULL);
INSERT INTO event_payloads (seq, payload) SELECT seq, payload FROM events;
ALTER TABLE events DROP COLUMN payload;
`,
  },
  {
    version: 5,
    name: 'deleted subscriptions, until their dedupe markers (or, erased, all their events) are deleted',
    // A SEEN event only stops its subscription from recording the same item twice; once the subscription
    // is deleted (ids are never reused) it stops nothing and is only space. A deleted subscription is
    // kept here until the worker has deleted its markers — every event of it when its user's events are
    // erased — in batches (src/engine/deleted-subscriptions.ts, ADR 0016, ADR 0024). Subscriptions
    // deleted before this version are found once, here, with their deletion time unknown (0: their
    // markers go on the first pass).
    sql: `
CREATE TABLE deleted_subscriptions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  deleted_at BIGINT NOT NULL,
  erase_events INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deleted_subscriptions_deleted_at ON deleted_subscriptions(deleted_at);
CREATE INDEX deleted_subscriptions_user ON deleted_subscriptions(project_id, user_id);
INSERT INTO deleted_subscriptions (id, project_id, user_id, deleted_at)
  SELECT DISTINCT e.subscription_id, e.project_id, e.user_id, 0 FROM events e
  WHERE e.status = 'SEEN'
    AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = e.subscription_id)
    AND EXISTS (SELECT 1 FROM projects p WHERE p.id = e.project_id);
`,
  },
  {
    version: 6,
    name: 'account parameters of a connect in progress',
    // Shopify's OAuth runs on the store's own host: the host chosen when the connect started is needed again
    // for the token exchange at the callback, and it must not travel through the browser (ADR 0027).
    sql: `ALTER TABLE oauth_states ADD COLUMN account_parameters TEXT;`,
  },
];
