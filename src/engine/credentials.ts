// Connected accounts given directly (API keys, tokens obtained elsewhere) and their removal, which tears
// down every subscription that uses them.
import { AppError, notFound } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { IntegrationDefinition } from '../sdk/index.js';
import type { Credential, Storage } from '../storage/port.js';
import { accountValuesFromInput, describeAccountParameters, templatesInEffect } from './account-parameters.js';
import { apiKeyOf, credentialAuthKind, oauth2Of } from './auth-kinds.js';
import { inBatches } from './housekeeping-pass.js';
import { basicUserFields, basicUserOf, clientTokenParams } from './tokens.js';
import type { SubscriptionService } from './subscriptions.js';

/** Events erased per transaction: each batch is short, so deliveries and inbound webhooks go on meanwhile. */
const ERASE_BATCH = 500;

export interface CredentialInput {
  integration: string;
  accessToken?: string;
  refreshToken?: string;
  apiKey?: string;
  /** A client-credentials integration's client id and secret (exchanged for tokens by the engine). */
  clientId?: string;
  clientSecret?: string;
  /** ISO-8601 date or epoch milliseconds. */
  expiresAt?: string | number;
  providerAccountId?: string;
  extra?: Record<string, unknown>;
}

/**
 * The `extra` fields a credential given directly may need, for forms: the account parameters (the account's own
 * host), a client-credentials integration's token-request fields, and those an API key's Basic user name is made of.
 */
export function credentialExtraFields(integration: IntegrationDefinition): Array<{ name: string; description: string }> {
  const fields = describeAccountParameters(integration);
  const add = (name: string, description: string) => {
    if (!fields.some((f) => f.name === name)) fields.push({ name, description });
  };
  const auth = integration.auth;
  if (auth.kind === 'clientCredentials') for (const p of auth.tokenParams ?? []) add(p.fromExtra, p.description);
  const key = apiKeyOf(integration);
  if (key) for (const name of basicUserFields(key)) add(name, `with an API key: part of the HTTP Basic user name ${key.basicUser}`);
  return fields;
}

/** An API key or an OAuth access token, whichever of them the integration takes (one is enough when it takes both). */
function checkKeyOrToken(integration: IntegrationDefinition, input: CredentialInput): void {
  if (integration.auth.kind === 'clientCredentials') return;
  const key = apiKeyOf(integration);
  const oauth = oauth2Of(integration);
  // An integration that takes only keys accepts the key as `accessToken` too (the field came first).
  if (key && (input.apiKey || (!oauth && input.accessToken))) return;
  if (oauth && input.accessToken) return;
  if (key && oauth) {
    throw new AppError('VALIDATION_FAILED', `apiKey: ${integration.key} needs an apiKey or an OAuth accessToken (or use the connect flow)`, { parameter: 'apiKey' });
  }
  if (key) throw new AppError('VALIDATION_FAILED', `apiKey: ${integration.key} needs an apiKey`, { parameter: 'apiKey' });
  throw new AppError('VALIDATION_FAILED', `accessToken: ${integration.key} needs an accessToken (or use the connect flow)`, { parameter: 'accessToken' });
}

/** An API key sent as HTTP Basic password needs the `extra` fields its user name is made of (`basicUser`). */
function checkBasicUser(integration: IntegrationDefinition, input: CredentialInput): void {
  const key = apiKeyOf(integration);
  if (key?.basicUser === undefined) return;
  if (credentialAuthKind(integration, { secrets: input.apiKey !== undefined ? { apiKey: input.apiKey } : {} }) !== 'apiKey') return;
  asFieldError(() => basicUserOf(key.basicUser!, input.extra));
}

/**
 * A client-credentials account is its client id and secret (and the `extra` fields its token request needs); the
 * engine gets the tokens, so tokens and keys are refused for it, and a client is refused for any other kind.
 */
function checkClientCredentials(integration: IntegrationDefinition, input: CredentialInput): void {
  const auth = integration.auth;
  if (auth.kind !== 'clientCredentials') {
    const given = input.clientId !== undefined ? 'clientId' : input.clientSecret !== undefined ? 'clientSecret' : null;
    if (given) throw new AppError('VALIDATION_FAILED', `${given}: ${integration.key} does not use client credentials (auth kind ${auth.kind})`, { parameter: given });
    return;
  }
  for (const field of ['clientId', 'clientSecret'] as const) {
    if (!input[field]) throw new AppError('VALIDATION_FAILED', `${field}: ${integration.key} needs the ${field} of the client created in the provider`, { parameter: field });
  }
  for (const field of ['accessToken', 'refreshToken', 'apiKey', 'expiresAt'] as const) {
    if (input[field] !== undefined) throw new AppError('VALIDATION_FAILED', `${field}: ${integration.key} takes clientId and clientSecret; the service gets the tokens itself`, { parameter: field });
  }
  asFieldError(() => clientTokenParams(auth, input.extra));
}

/**
 * Run a check of credential `extra` fields shared with the token code (which throws ProviderErrors whose message
 * starts with the field, `extra.<name>: …`) and answer its failure as the API's validation error naming that field.
 */
function asFieldError(check: () => unknown): void {
  try {
    check();
  } catch (err) {
    const message = (err as Error).message;
    throw new AppError('VALIDATION_FAILED', message, { parameter: message.split(':')[0] ?? 'extra' });
  }
}

export class CredentialService {
  constructor(
    private readonly storage: Storage,
    private readonly subscriptions: SubscriptionService,
    private readonly opts: { now: () => number; metrics?: Metrics },
  ) {}

  async create(projectId: string, userId: string, input: CredentialInput): Promise<Credential> {
    const integration = (await this.subscriptions.catalogFor(projectId)).integration(input.integration);
    if (!integration) throw new AppError('VALIDATION_FAILED', `integration: unknown integration ${input.integration}`, { parameter: 'integration' });
    checkKeyOrToken(integration, input);
    checkBasicUser(integration, input);
    checkClientCredentials(integration, input);
    let expiresAt: number | null = null;
    if (input.expiresAt !== undefined) {
      expiresAt = typeof input.expiresAt === 'number' ? input.expiresAt : Date.parse(input.expiresAt);
      if (!Number.isFinite(expiresAt)) throw new AppError('VALIDATION_FAILED', 'expiresAt: must be an ISO-8601 date or epoch milliseconds', { parameter: 'expiresAt' });
    }
    // The account's host (Shopify's shop) where the integration's URLs name one: checked, and kept normalized.
    const config = await this.storage.integrationConfigs.get(projectId, integration.key);
    const kind = credentialAuthKind(integration, { secrets: input.apiKey !== undefined ? { apiKey: input.apiKey } : {} }) === 'apiKey' ? 'apiKey' : undefined;
    const accountValues = accountValuesFromInput(integration, input.extra, { field: 'extra', strict: false, templates: templatesInEffect(integration, config, kind) });
    const extra = input.extra === undefined && Object.keys(accountValues).length === 0 ? undefined : { ...input.extra, ...accountValues };
    await this.storage.users.touch(projectId, userId);
    return this.storage.credentials.create({
      projectId,
      userId,
      integration: integration.key,
      providerAccountId: input.providerAccountId ?? null,
      secrets: {
        ...(input.accessToken !== undefined ? { accessToken: input.accessToken } : {}),
        ...(input.refreshToken !== undefined ? { refreshToken: input.refreshToken } : {}),
        ...(input.apiKey !== undefined ? { apiKey: input.apiKey } : {}),
        ...(input.clientId !== undefined ? { clientId: input.clientId } : {}),
        ...(input.clientSecret !== undefined ? { clientSecret: input.clientSecret } : {}),
        ...(extra !== undefined ? { extra } : {}),
      },
      expiresAt,
    });
  }

  async get(projectId: string, userId: string, id: string): Promise<Credential> {
    const c = await this.storage.credentials.get(id);
    if (!c || c.projectId !== projectId || c.userId !== userId) throw notFound('credential');
    return c;
  }

  /** Delete a credential after tearing down its subscriptions; returns teardown warnings. */
  async delete(projectId: string, userId: string, id: string): Promise<string[]> {
    const c = await this.get(projectId, userId, id);
    const warnings: string[] = [];
    for (const s of await this.storage.subscriptions.list({ projectId, credentialId: c.id })) {
      const r = await this.subscriptions.remove(s);
      if (r.warning) warnings.push(`${s.id}: ${r.warning}`);
    }
    await this.storage.credentials.delete(c.id);
    return warnings;
  }

  /**
   * Delete a connected user with their accounts and subscriptions (provider webhooks torn down). Their
   * stored events stay in the event log, unless `eraseEvents`: then those go too, with payloads,
   * deliveries and attempts (ADR 0024); `erasedEvents` says how many. The user row goes last, so a
   * request that fails half-way can be repeated.
   */
  async deleteUser(projectId: string, userId: string, opts: { eraseEvents?: boolean } = {}): Promise<{ warnings: string[]; erasedEvents: number | null }> {
    const warnings: string[] = [];
    for (const s of await this.storage.subscriptions.list({ projectId, userId })) {
      const r = await this.subscriptions.remove(s);
      if (r.warning) warnings.push(`${s.id}: ${r.warning}`);
    }
    for (const c of await this.storage.credentials.listForUser(projectId, userId)) await this.storage.credentials.delete(c.id);
    const erasedEvents = opts.eraseEvents ? await this.eraseEvents(projectId, userId) : null;
    await this.storage.users.delete(projectId, userId);
    return { warnings, erasedEvents };
  }

  /** Erase a user's events, batch by batch; an event whose attempt is in flight goes later (ADR 0024). */
  private async eraseEvents(projectId: string, userId: string): Promise<number> {
    let cursor = 0;
    let erased = 0;
    await inBatches(async () => {
      const r = await this.storage.events.eraseUser(projectId, userId, cursor, ERASE_BATCH, this.opts.now());
      erased += r.erased;
      this.opts.metrics?.eventsPurged.inc({ reason: 'erasure' }, r.erased);
      cursor = r.cursor;
      return r.more;
    });
    return erased;
  }
}
