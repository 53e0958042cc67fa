// How stored objects look on the wire. Dates are ISO-8601 strings; secrets never appear here.
import type { Attempt, Credential, IntegrationConfig, Project, SigningKey, StoredEvent, Subscription, SubscriptionLogLine } from '../storage/port.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function subscriptionJson(s: Subscription) {
  return {
    id: s.id,
    integration: s.integration,
    type: s.triggerType,
    parameters: s.parameters,
    status: s.status,
    ...(s.error !== null ? { error: s.error } : {}),
    dateCreated: iso(s.dateCreated),
    dateLastReceivedEvent: iso(s.dateLastReceivedEvent),
    credentialId: s.credentialId,
    ...(s.webhookOverride !== null ? { webhookOverride: s.webhookOverride } : {}),
  };
}

export function credentialJson(c: Credential) {
  return {
    id: c.id,
    integration: c.integration,
    userId: c.userId,
    providerAccountId: c.providerAccountId,
    status: c.status,
    ...(c.statusReason !== null ? { statusReason: c.statusReason } : {}),
    expiresAt: iso(c.expiresAt),
    dateCreated: iso(c.createdAt),
    dateUpdated: iso(c.updatedAt),
  };
}

export function projectJson(p: Project, opts: { withSecret: boolean }) {
  return {
    id: p.id,
    name: p.name,
    webhookUrl: p.webhookUrl,
    ...(opts.withSecret ? { signingSecret: p.signingSecret } : {}),
    ...(p.previousSecretExpiresAt !== null && p.previousSecretExpiresAt > Date.now()
      ? { previousSigningSecretExpiresAt: iso(p.previousSecretExpiresAt) }
      : {}),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}

export function signingKeyJson(k: SigningKey) {
  return { id: k.id, publicKey: k.publicKey, algorithm: k.algorithm, createdAt: iso(k.createdAt) };
}

export function integrationConfigJson(c: IntegrationConfig, urls: { webhookUrl: string | null; oauthRedirectUrl: string | null }) {
  return {
    integration: c.integration,
    enabled: c.enabled,
    clientId: c.clientId,
    // Secrets are write-only: say whether one is set, never what it is.
    hasClientSecret: c.clientSecret !== null,
    hasWebhookSecret: c.webhookSecret !== null,
    scopes: c.scopes,
    apiBaseUrl: c.apiBaseUrl,
    authorizationUrl: c.authorizationUrl,
    tokenUrl: c.tokenUrl,
    webhookUrl: urls.webhookUrl,
    oauthRedirectUrl: urls.oauthRedirectUrl,
    updatedAt: iso(c.updatedAt),
  };
}

export function eventJson(e: StoredEvent) {
  return {
    id: e.id,
    cursor: String(e.seq),
    userId: e.userId,
    integration: e.integration,
    triggerType: e.triggerType,
    triggerSubscriptionId: e.subscriptionId,
    credentialId: e.credentialId,
    status: e.status,
    dateReceived: iso(e.dateReceived),
    dateDelivered: iso(e.deliveredAt),
    payload: e.payload,
  };
}

export function attemptJson(a: Attempt) {
  return {
    attempt: a.attemptNumber,
    deliveryId: a.deliveryId,
    startedAt: iso(a.startedAt),
    url: a.url,
    statusCode: a.statusCode,
    latencyMs: a.latencyMs,
    responseExcerpt: a.responseExcerpt,
    error: a.error,
    outcome: a.outcome,
  };
}

export function logLineJson(l: SubscriptionLogLine) {
  return { at: iso(l.at), level: l.level, message: l.message };
}
