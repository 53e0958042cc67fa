// Row types of every table, shared by both dialects. Times are epoch milliseconds (BIGINT on PostgreSQL,
// INTEGER on SQLite) so both dialects compare and sort them the same way; JSON is stored as TEXT.
import type { Generated } from 'kysely';

export interface ProjectsTable {
  id: string;
  name: string;
  webhook_url: string | null;
  /** sealed with the keyring */
  signing_secret: string;
  previous_signing_secret: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface SigningKeysTable {
  id: string;
  project_id: string;
  public_key: string;
  algorithm: string;
  created_at: number;
}

export interface IntegrationConfigsTable {
  project_id: string;
  integration: string;
  enabled: number;
  client_id: string | null;
  client_secret: string | null;
  webhook_secret: string | null;
  scopes: string | null;
  api_base_url: string | null;
  authorization_url: string | null;
  token_url: string | null;
  created_at: number;
  updated_at: number;
}

export interface ConnectedUsersTable {
  project_id: string;
  id: string;
  created_at: number;
  last_seen_at: number;
}

export interface CredentialsTable {
  id: string;
  project_id: string;
  user_id: string;
  integration: string;
  provider_account_id: string | null;
  status: string;
  status_reason: string | null;
  /** sealed JSON of CredentialSecrets */
  secrets: string;
  key_id: string;
  expires_at: number | null;
  refresh_lock_until: number | null;
  rate_limited_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface SubscriptionsTable {
  id: string;
  project_id: string;
  user_id: string;
  credential_id: string | null;
  integration: string;
  trigger_type: string;
  parameters: string;
  webhook_override: string | null;
  status: string;
  error: string | null;
  state: string;
  secret: string | null;
  date_created: number;
  date_last_received_event: number | null;
  next_poll_at: number | null;
  poll_lease_until: number | null;
  consecutive_failures: number;
  renew_at: number | null;
  updated_at: number;
}

export interface EventsTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  user_id: string;
  subscription_id: string;
  credential_id: string | null;
  integration: string;
  trigger_type: string;
  dedupe_key: string;
  status: string;
  date_received: number;
  delivered_at: number | null;
}

/** An event's payload (JSON text), apart from the event row whose status changes (migration 4). */
export interface EventPayloadsTable {
  seq: number;
  payload: string;
}

export interface DeliveriesTable {
  id: string;
  event_id: string;
  project_id: string;
  subscription_id: string;
  status: string;
  attempt_count: number;
  /** PENDING: when the next attempt is due. SENDING: when the lease expires and another worker may take it. */
  run_at: number;
  lease_owner: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  event_id: string;
  project_id: string;
  attempt_number: number;
  started_at: number;
  url: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
  outcome: string;
}

export interface SubscriptionLogsTable {
  id: Generated<number>;
  project_id: string;
  subscription_id: string;
  at: number;
  level: string;
  message: string;
}

export interface OauthStatesTable {
  id: string;
  project_id: string;
  user_id: string;
  integration: string;
  redirect_url: string;
  code_verifier: string;
  /** JSON object of the connect call's account parameters; null when the integration takes none. */
  account_parameters: string | null;
  expires_at: number;
  used_at: number | null;
  created_at: number;
}

export interface CustomTriggersTable {
  id: string;
  project_id: string;
  integration: string;
  type: string;
  definition: string;
  created_at: number;
  updated_at: number;
}

/**
 * A deleted subscription whose dedupe markers (SEEN events) are still to be deleted (ADR 0016) — every
 * event of it, with deliveries, attempts and log, when its user's events are erased (ADR 0024).
 */
export interface DeletedSubscriptionsTable {
  id: string;
  project_id: string;
  user_id: string;
  deleted_at: number;
  /** 1: delete every event, not only markers. */
  erase_events: Generated<number>;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface Database {
  projects: ProjectsTable;
  signing_keys: SigningKeysTable;
  integration_configs: IntegrationConfigsTable;
  connected_users: ConnectedUsersTable;
  credentials: CredentialsTable;
  subscriptions: SubscriptionsTable;
  events: EventsTable;
  event_payloads: EventPayloadsTable;
  deliveries: DeliveriesTable;
  attempts: AttemptsTable;
  subscription_logs: SubscriptionLogsTable;
  oauth_states: OauthStatesTable;
  custom_triggers: CustomTriggersTable;
  deleted_subscriptions: DeletedSubscriptionsTable;
  meta: MetaTable;
}
