// The admin API's JSON as the dashboard reads it (docs/api.md, src/http/present.ts).

export interface Session {
  authenticated: boolean;
  csrfToken?: string;
  expiresAt?: string;
  publicUrl?: string;
}

export interface Project {
  id: string;
  name: string;
  webhookUrl: string | null;
  signingSecret?: string;
  previousSigningSecretExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface SigningKey {
  id: string;
  publicKey: string;
  privateKey?: string;
  algorithm: string;
  createdAt?: string;
}

export interface IntegrationConfig {
  integration: string;
  name: string;
  enabled: boolean;
  configured: boolean;
  authKind: string;
  clientId: string | null;
  hasClientSecret: boolean;
  hasWebhookSecret: boolean;
  scopes: string[] | null;
  apiBaseUrl: string | null;
  authorizationUrl: string | null;
  tokenUrl: string | null;
  webhookUrl: string | null;
  oauthRedirectUrl: string | null;
  defaultApiBaseUrl: string;
}

export interface ParameterDef {
  id: string;
  type: string;
  title: string;
  label: string;
  required: boolean;
  description?: string;
  placeholder?: string;
  defaultValue?: unknown;
  values?: Array<{ label: string; value: string }>;
}

export interface TriggerDef {
  type: string;
  triggerModel: 'POLLING' | 'WEBHOOK';
  title: string;
  description: string;
  parameters: ParameterDef[];
  source: string;
  /**
   * What "Sync now" (POST …/subscriptions/{id}/sync) does for this trigger, null when it does nothing:
   * `reads` — a poll, or a backstop sync of a webhook source that can list changes; `registrationCheck` —
   * a check of the provider-side webhook (a registration that does not expire, ADR 0018).
   */
  syncNow: { reads: boolean; registrationCheck: boolean } | null;
  examplePayload: unknown;
}

export interface CatalogIntegration {
  key: string;
  name: string;
  authKind: string;
  /** Every kind of account the integration takes, `authKind` first (OAuth 2 and an API key for some). */
  authKinds: string[];
  /** The `extra` fields a credential given directly may need (account host, token-request fields). */
  credentialExtra: Array<{ name: string; description: string }>;
  appWebhook: boolean;
  docsUrl?: string;
  triggers: TriggerDef[];
}

export interface Catalog {
  integrations: CatalogIntegration[];
  conditionOperators: string[];
}

export interface UserRow {
  id: string;
  integrations: string[];
  activeSubscriptions: number;
  erroredSubscriptions: number;
  lastEventAt: string | null;
  createdAt: string;
}

export interface Credential {
  id: string;
  integration: string;
  providerAccountId: string | null;
  status: 'VALID' | 'INVALID';
  statusReason?: string;
  expiresAt: string | null;
  dateCreated: string;
}

export interface Subscription {
  id: string;
  integration: string;
  type: string;
  parameters: Record<string, unknown>;
  status: 'ACTIVE' | 'ERRORED';
  error?: string;
  dateCreated: string;
  dateLastReceivedEvent: string | null;
  credentialId: string | null;
  webhookOverride?: { url: string; headers?: Record<string, string>; metadata?: Record<string, unknown> };
}

export interface UserDetail {
  id: string;
  createdAt: string;
  credentials: Credential[];
  subscriptions: Subscription[];
}

export type EventStatus = 'PENDING' | 'HELD' | 'DELIVERED' | 'FAILED';

export interface EventRow {
  id: string;
  cursor: string;
  userId: string;
  integration: string;
  triggerType: string;
  triggerSubscriptionId: string;
  credentialId: string | null;
  status: EventStatus;
  dateReceived: string;
  dateDelivered: string | null;
  payload: unknown;
}

export interface Attempt {
  attempt: number;
  deliveryId: string;
  startedAt: string;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  responseExcerpt: string | null;
  error: string | null;
  outcome: 'succeeded' | 'retry' | 'failed';
}

export interface LogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface EventDetail extends EventRow {
  subscription: { id: string; status: string; error: string | null; webhookOverride: Subscription['webhookOverride'] | null } | null;
  deliveries: Array<{ id: string; status: string; attempts: number; nextAttemptAt: string | null; lastError: string | null; createdAt: string }>;
  attempts: Attempt[];
  subscriptionLog: LogLine[];
}
