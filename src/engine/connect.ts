// OAuth 2 connect (SPEC §3, connected-account endpoints): an authorization URL with PKCE and a signed,
// single-use `state`, then the callback that exchanges the code, identifies the provider account and
// stores the credential (sealed by the storage layer). Tokens never appear in a URL or a log line: the
// browser only ever sees the authorization code (from the provider) and our credential id.
//
// Why both a signature and a stored row (ADR 0010): the HMAC lets the callback — a public, unauthenticated
// endpoint — refuse forged states without touching the database; the row makes a state single-use and
// binds it to project, user, integration, redirect URL and PKCE verifier, none of which travel through
// the browser.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import type { IntegrationDefinition, TokenSet } from '../sdk/index.js';
import type { Keyring } from '../secrets/keyring.js';
import type { Credential, OauthState, Storage } from '../storage/port.js';
import type { Catalog } from './catalog.js';
import { oauthRedirectUrl } from './context.js';
import { readOrigins } from './origins.js';
import { createProviderHttp } from './provider-http.js';
import { accountValuesFromInput, fillAccountTemplate, templatesInEffect } from './account-parameters.js';
import { oauthClientFor, requestedScopes, tokenHeaders, tokenRequest, tokenSetFrom } from './tokens.js';
import { oauth2Of } from './auth-kinds.js';

/** How long a user has between asking for the authorization URL and coming back from the provider. */
export const STATE_TTL_MS = 10 * 60_000;
const STATE_KEY_PURPOSE = 'oauth-state/v1';
const MAX_REDIRECT_URL = 2048;
const MAX_ERROR_DESCRIPTION = 300;
/** Token-response fields that are secrets or token bookkeeping; the rest is offered to accountId() as extra. */
const TOKEN_RESPONSE_FIELDS = new Set(['access_token', 'refresh_token', 'id_token', 'expires_in', 'refresh_token_expires_in', 'token_type']);

export interface ConnectDeps {
  storage: Storage;
  keyring: Pick<Keyring, 'derivedKeys'>;
  catalogFor(projectId: string): Promise<Catalog>;
  /** Read per call: tests (and a service behind a proxy discovered late) set it after start. */
  publicUrl(): string;
  now(): number;
  logger: Logger;
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
  /** The provider's other redirect parameters (QuickBooks' realmId), offered to accountId(). */
  params?: Record<string, string>;
}

/** Where the callback sends the browser, or (when the state cannot be trusted) an error page. */
export type CallbackResult =
  | { kind: 'redirect'; location: string; credentialId?: string }
  | { kind: 'refused'; error: AppError };

// ── redirect URL policy ──────────────────────────────────────────────────────────────────────────────
/** The project's allowed redirect origins; empty means any http(s) URL (see docs/connect.md). */
export function allowedRedirectOrigins(storage: Storage, projectId: string): Promise<string[]> {
  return readOrigins(storage, 'oauth_redirect_origins', projectId);
}

/** An http(s) URL without embedded credentials, and on the project's allow-list when it has one. */
export function checkRedirectUrl(value: string, allowed: readonly string[]): URL {
  const bad = (why: string) => new AppError('VALIDATION_FAILED', `redirectUrl: ${why}`, { parameter: 'redirectUrl' });
  if (value.length > MAX_REDIRECT_URL) throw bad(`must be at most ${MAX_REDIRECT_URL} characters`);
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw bad('not a valid absolute URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw bad('must be an http(s) URL');
  if (u.username !== '' || u.password !== '') throw bad('must not contain credentials');
  if (allowed.length > 0 && !allowed.includes(u.origin)) throw bad(`origin ${u.origin} is not in the project's allowed redirect origins`);
  return u;
}

function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

// ── state signature ──────────────────────────────────────────────────────────────────────────────────
const b64url = (b: Buffer) => b.toString('base64url');

function sign(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(payload, 'utf8').digest();
}

/** `<id>.<expiry, base 36 ms>.<HMAC-SHA256 of both>`: opaque to the browser and the provider. */
export function signState(keyring: Pick<Keyring, 'derivedKeys'>, id: string, expiresAt: number): string {
  const [key] = keyring.derivedKeys(STATE_KEY_PURPOSE);
  if (!key) throw new Error('keyring has no key');
  const payload = `${id}.${expiresAt.toString(36)}`;
  return `${payload}.${b64url(sign(key, payload))}`;
}

/** The state's id and expiry when its signature is ours (current or previous key), else null. */
export function verifyState(keyring: Pick<Keyring, 'derivedKeys'>, state: string): { id: string; expiresAt: number } | null {
  const m = /^([A-Za-z0-9_-]{16,64})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(state);
  if (!m) return null;
  const [, id, exp, sig] = m as unknown as [string, string, string, string];
  const given = Buffer.from(sig, 'base64url');
  const payload = `${id}.${exp}`;
  const ok = keyring.derivedKeys(STATE_KEY_PURPOSE).some((k) => {
    const expected = sign(k, payload);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return ok ? { id, expiresAt: parseInt(exp, 36) } : null;
}

/** OAuth error codes are short ASCII words; anything else from the query string is not passed on. */
function safeErrorCode(value: string | undefined, fallback: string): string {
  return value !== undefined && /^[a-z0-9_.-]{1,64}$/i.test(value) ? value : fallback;
}

function safeDescription(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean === '' ? undefined : clean.slice(0, MAX_ERROR_DESCRIPTION);
}

export class ConnectService {
  constructor(private readonly deps: ConnectDeps) {}

  /** POST /projects/{projectId}/connect/{integration}: the URL to send the user's browser to. */
  /** `parameters`: the account parameters (Shopify's `shop`) of integrations whose OAuth lives on the account's host. */
  async start(projectId: string, userId: string, integrationKey: string, redirectUrl: string, parameters?: Record<string, unknown>): Promise<{ authorizationUrl: string; expiresAt: number }> {
    const { storage } = this.deps;
    const integration = (await this.deps.catalogFor(projectId)).integration(integrationKey);
    if (!integration) throw new AppError('VALIDATION_FAILED', `integration: unknown integration ${integrationKey}`, { parameter: 'integration' });
    const auth = oauth2Of(integration);
    if (!auth) {
      throw new AppError('VALIDATION_FAILED', `integration: ${integration.key} is connected with ${integration.auth.kind === 'clientCredentials' ? 'a client id and secret' : 'an API key'}, not OAuth; use POST /projects/{projectId}/credentials`, { parameter: 'integration' });
    }
    const config = await storage.integrationConfigs.get(projectId, integration.key);
    if (!config?.enabled) throw new AppError('INTEGRATION_NOT_CONFIGURED', `${integration.key} is not enabled for this project`);
    if (!config.clientId || !config.clientSecret) {
      throw new AppError('INTEGRATION_NOT_CONFIGURED', `${integration.key} has no OAuth client id and secret configured for this project`);
    }
    checkRedirectUrl(redirectUrl, await allowedRedirectOrigins(storage, projectId));
    const accountValues = accountValuesFromInput(integration, parameters, { field: 'parameters', strict: true, templates: templatesInEffect(integration, config) });

    const now = this.deps.now();
    const id = b64url(randomBytes(24));
    const expiresAt = now + STATE_TTL_MS;
    const codeVerifier = auth.pkce ? b64url(randomBytes(32)) : '';
    await storage.oauthStates.create({ id, projectId, userId, integration: integration.key, redirectUrl, codeVerifier, accountValues, expiresAt });

    const url = new URL(fillAccountTemplate(integration, config.authorizationUrl ?? auth.authorizationUrl, accountValues));
    const scopes = requestedScopes(integration, config, accountValues);
    const params: Record<string, string> = {
      ...auth.extraAuthorizationParams,
      response_type: 'code',
      client_id: config.clientId ?? '',
      redirect_uri: oauthRedirectUrl(this.deps.publicUrl()),
      state: signState(this.deps.keyring, id, expiresAt),
      ...(scopes.length > 0 ? { scope: scopes.join(auth.scopeSeparator ?? ' ') } : {}),
      ...(auth.pkce ? { code_challenge: b64url(createHash('sha256').update(codeVerifier).digest()), code_challenge_method: 'S256' } : {}),
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { authorizationUrl: url.toString(), expiresAt };
  }

  /** GET /oauth/callback: never throws for provider-side trouble, it sends the browser back with `error`. */
  async callback(q: CallbackQuery): Promise<CallbackResult> {
    const { storage, logger } = this.deps;
    const refused = (message: string): CallbackResult => ({ kind: 'refused', error: new AppError('VALIDATION_FAILED', `state: ${message}`, { parameter: 'state' }) });
    // 1. Forged or mangled states stop here, before any database access.
    const signed = q.state === undefined ? null : verifyState(this.deps.keyring, q.state);
    if (!signed) return refused('missing, malformed or not issued by this service');
    const now = this.deps.now();

    // 2. Single use: only the first callback with this state gets it.
    const state = signed.expiresAt > now ? await storage.oauthStates.consume(signed.id, now) : null;
    if (!state) {
      const known = await storage.oauthStates.get(signed.id);
      if (!known) return refused('unknown');
      const expired = known.usedAt === null;
      logger.info({ projectId: known.projectId, integration: known.integration, expired }, 'oauth callback with a used or expired state');
      return this.back(known, {
        error: expired ? 'expired_state' : 'invalid_state',
        error_description: expired
          ? 'The connection took longer than 10 minutes; please start again.'
          : 'This authorization was already used; please start again.',
      });
    }

    // 3. The provider's own answer: consent denied, or an error on its side.
    if (q.error !== undefined) {
      const error = safeErrorCode(q.error, 'provider_error');
      logger.info({ projectId: state.projectId, integration: state.integration, error }, 'oauth authorization refused by the provider or the user');
      const description = safeDescription(q.error_description);
      return this.back(state, { error, ...(description !== undefined ? { error_description: description } : {}) });
    }
    if (q.code === undefined || q.code === '') return this.back(state, { error: 'invalid_request', error_description: 'The provider sent no authorization code.' });

    try {
      const credential = await this.complete(state, q.code, q.params ?? {}, now);
      return { kind: 'redirect', location: withQuery(state.redirectUrl, { credentialId: credential.id }), credentialId: credential.id };
    } catch (err) {
      if (!(err instanceof ConnectFailure)) throw err;
      logger.warn({ projectId: state.projectId, integration: state.integration, error: err.code, reason: err.message }, 'oauth connect failed');
      return this.back(state, { error: err.code, error_description: err.message });
    }
  }

  private back(state: OauthState, params: Record<string, string>): CallbackResult {
    return { kind: 'redirect', location: withQuery(state.redirectUrl, params) };
  }

  /** Exchange the code, identify the account, store the credential. Throws ConnectFailure. */
  private async complete(state: OauthState, code: string, callbackParams: Record<string, string>, now: number): Promise<Credential> {
    const { storage } = this.deps;
    const integration = (await this.deps.catalogFor(state.projectId)).integration(state.integration);
    if (!integration || !oauth2Of(integration)) throw new ConnectFailure('server_error', `${state.integration} is no longer available`);
    const config = await storage.integrationConfigs.get(state.projectId, integration.key);
    const client = oauthClientFor(integration, config, state.accountValues);
    if (!client || !config?.enabled) throw new ConnectFailure('server_error', `${integration.key} is no longer configured for this project`);

    let exchanged: Awaited<ReturnType<typeof tokenRequest>>;
    try {
      exchanged = await tokenRequest(client, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: oauthRedirectUrl(this.deps.publicUrl()),
        ...(state.codeVerifier !== '' ? { code_verifier: state.codeVerifier } : {}),
      });
    } catch (err) {
      throw new ConnectFailure('temporarily_unavailable', `The provider's token endpoint could not be reached (${(err as Error).message}).`);
    }
    const { status, body } = exchanged;
    if (status < 200 || status >= 300) {
      const providerError = typeof body.error === 'string' ? safeErrorCode(body.error, '') : '';
      throw new ConnectFailure(providerError || 'token_exchange_failed', `The provider refused the authorization code (HTTP ${status}${providerError ? ` ${providerError}` : ''}).`);
    }
    let tokens: TokenSet;
    try {
      tokens = tokenSetFrom(body, now);
    } catch (err) {
      throw new ConnectFailure('token_exchange_failed', (err as Error).message);
    }
    const extra = Object.fromEntries(Object.entries(body).filter(([k]) => !TOKEN_RESPONSE_FIELDS.has(k)));
    const apiBaseUrl = fillAccountTemplate(integration, config.apiBaseUrl ?? integration.apiBaseUrl, state.accountValues);
    const identified = await this.identify(integration, apiBaseUrl, { ...tokens, extra }, callbackParams, state.accountValues);
    // The account parameters go last: they chose the host the token is for, whatever accountId() returned.
    const account = { ...identified, extra: { ...identified.extra, ...state.accountValues } };
    await storage.users.touch(state.projectId, state.userId);
    return this.store(state, integration, tokens, account);
  }

  private async identify(
    integration: IntegrationDefinition,
    apiBaseUrl: string,
    token: TokenSet,
    callbackParams: Record<string, string>,
    accountValues: Record<string, string>,
  ): Promise<{ providerAccountId: string | null; extra: Record<string, unknown> }> {
    if (!integration.accountId) return { providerAccountId: null, extra: {} };
    const http = createProviderHttp({
      integration,
      apiBaseUrl,
      auth: { canRefresh: false, headers: async () => tokenHeaders(integration, token.accessToken) },
      // Not stored yet: the token answer's extras and the account parameters are what the credential will hold.
      credential: { id: '', providerAccountId: null, extra: { ...token.extra, ...accountValues } },
      signal: AbortSignal.timeout(30_000),
    });
    try {
      const r = await integration.accountId({ http, token, callbackParams });
      return { providerAccountId: r.providerAccountId, extra: r.extra ?? {} };
    } catch (err) {
      throw new ConnectFailure('account_lookup_failed', `Connected, but the account could not be identified: ${(err as Error).message}`);
    }
  }

  /**
   * A new credential — or, when the same user connects the same provider account again, the existing
   * one refreshed in place: its id (and every subscription on it) survives a reconnect, and subscriptions
   * that were ERRORED only because the account needed reconnecting are re-activated.
   */
  private async store(state: OauthState, integration: IntegrationDefinition, tokens: TokenSet, account: { providerAccountId: string | null; extra: Record<string, unknown> }): Promise<Credential> {
    const { storage } = this.deps;
    const { projectId, userId } = state;
    const existing = account.providerAccountId === null
      ? undefined
      : (await storage.credentials.listForUser(projectId, userId, integration.key)).find((c) => c.providerAccountId === account.providerAccountId);
    if (!existing) {
      return storage.credentials.create({
        projectId, userId, integration: integration.key, providerAccountId: account.providerAccountId,
        secrets: {
          accessToken: tokens.accessToken,
          ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
          ...(Object.keys(account.extra).length > 0 ? { extra: account.extra } : {}),
        },
        expiresAt: tokens.expiresAt ?? null,
      });
    }
    // Connecting through OAuth an account stored with an API key (alternativeAuth) makes it an OAuth credential:
    // a kept `apiKey` would go on being sent, and the new token never used (ADR 0029).
    const { apiKey: _replacedKey, ...kept } = existing.secrets;
    const updated = await storage.credentials.update(existing.id, {
      secrets: {
        ...kept,
        accessToken: tokens.accessToken,
        // Some providers send a refresh token only on first consent: keep the one we have.
        ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
        extra: { ...existing.secrets.extra, ...account.extra },
      },
      expiresAt: tokens.expiresAt ?? null,
      status: 'VALID',
      statusReason: null,
    });
    if (!updated) throw new ConnectFailure('server_error', 'the connected account was deleted while connecting');
    if (existing.status === 'INVALID') await this.reactivate(existing);
    return updated;
  }

  private async reactivate(previous: Credential): Promise<void> {
    const { storage } = this.deps;
    const now = this.deps.now();
    for (const s of await storage.subscriptions.list({ projectId: previous.projectId, credentialId: previous.id })) {
      if (s.status !== 'ERRORED' || s.error === null || s.error !== previous.statusReason) continue;
      await storage.subscriptions.update(s.id, { status: 'ACTIVE', error: null, consecutiveFailures: 0 });
      const released = await storage.deliveries.releaseHeld(s.id, now);
      await storage.logs.add({ projectId: s.projectId, subscriptionId: s.id, at: now, level: 'info', message: `the connected account was reconnected; re-activated, ${released} held event(s) queued for delivery` });
    }
  }
}

/** A failure after the state was accepted: the browser goes back to redirectUrl with this error. */
class ConnectFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
