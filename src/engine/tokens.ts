// OAuth access tokens: refreshed before expiry and after a 401, one refresh at a time per credential —
// in-process through a promise map, across processes through a lease on the credential row. A refresh
// the provider refuses (invalid_grant) marks the credential invalid and its subscriptions ERRORED.
// Client-credentials accounts (RFC 6749 §4.4) go the same way: "refreshing" is exchanging the stored client
// id and secret for a new token, done when there is no token yet, before expiry and after a 401.
import { request } from 'undici';
import { ProviderError, type ApiKeyAuth, type ClientCredentialsAuth, type IntegrationDefinition, type TokenSet } from '../sdk/index.js';
import type { Credential, IntegrationConfig, Storage } from '../storage/port.js';
import { accountValuesOf, fillAccountTemplate, type AccountValues } from './account-parameters.js';
import { apiKeyOf, clientCredentialsOf, credentialAuthKind, oauth2Of } from './auth-kinds.js';
import type { AuthProvider } from './provider-http.js';

/** Refresh this long before the provider's expiry, so a poll never starts with a token about to lapse. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const REFRESH_LEASE_MS = 30_000;
const WAIT_FOR_OTHER_REFRESH_MS = 15_000;

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  clientAuth: 'body' | 'basic';
  encoding: 'form' | 'json';
}

/** `values`: the credential's account parameters, for a token URL on the account's own host (Shopify). */
export function oauthClientFor(integration: IntegrationDefinition, config: IntegrationConfig | null, values: AccountValues): OAuthClient | null {
  const auth = oauth2Of(integration);
  if (!auth) return null;
  if (!config?.clientId || !config.clientSecret) return null;
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    tokenUrl: fillAccountTemplate(integration, config.tokenUrl ?? auth.tokenUrl, values),
    clientAuth: auth.clientAuth ?? 'body',
    encoding: auth.tokenRequestEncoding ?? 'form',
  };
}

/** The token endpoint client of a client-credentials account: the credential's own client id and secret. */
function clientOfCredential(auth: ClientCredentialsAuth, integration: IntegrationDefinition, config: IntegrationConfig | null, c: Credential): OAuthClient | null {
  if (!c.secrets.clientId || !c.secrets.clientSecret) return null;
  return {
    clientId: c.secrets.clientId,
    clientSecret: c.secrets.clientSecret,
    tokenUrl: fillAccountTemplate(integration, config?.tokenUrl ?? auth.tokenUrl, accountValuesOf(integration, c.secrets.extra)),
    clientAuth: auth.clientAuth ?? 'body',
    encoding: auth.tokenRequestEncoding ?? 'form',
  };
}

/**
 * The extra token-request fields a client-credentials integration declares (`tokenParams`), from the credential's
 * `extra`; throws naming the first missing one (`field` says where, for the API's errors).
 */
export function clientTokenParams(auth: ClientCredentialsAuth, extra: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of auth.tokenParams ?? []) {
    const v = extra?.[p.fromExtra];
    const text = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
    if (text === '' || text.length > 1000) throw new ProviderError('permanent', `extra.${p.fromExtra}: required — ${p.description}`);
    out[p.field] = text;
  }
  return out;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The credential `extra` fields a `basicUser` template names (`'{email}/token'` → `['email']`). */
export function basicUserFields(auth: ApiKeyAuth): string[] {
  return [...(auth.basicUser ?? '').matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * The HTTP Basic user name of `basicUser`, its placeholders filled from the credential's `extra`; throws naming the
 * first missing field (never its value). A colon would end the user name early (RFC 7617), so it is refused too.
 */
export function basicUserOf(template: string, extra: Record<string, unknown> | undefined): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = extra?.[name];
    const text = typeof v === 'string' ? v.trim() : '';
    if (text === '' || text.length > 1000 || [...text].some((ch) => ch === ':' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) {
      throw new ProviderError('permanent', `extra.${name}: required with an API key — it is part of the HTTP Basic user name (${template})`);
    }
    return text;
  });
}

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/**
 * How an API key is sent: in the integration's header (with its prefix), as HTTP Basic user name (`basicPassword`),
 * or as HTTP Basic password (`basicUser`, filled from the credential's `extra`).
 */
export function apiKeyHeaders(auth: ApiKeyAuth, c: Credential): Record<string, string> {
  const key = c.secrets.apiKey ?? c.secrets.accessToken;
  if (!key) throw new ProviderError('auth', 'credential has no API key');
  if (auth.basicUser !== undefined) return basic(basicUserOf(auth.basicUser, c.secrets.extra), key);
  if (auth.basicPassword !== undefined) return basic(key, auth.basicPassword);
  return { [auth.header]: `${auth.prefix ?? ''}${key}` };
}

/** How an OAuth access token is sent: `Authorization: Bearer`, unless the integration names its own header. */
export function tokenHeaders(integration: IntegrationDefinition, accessToken: string): Record<string, string> {
  const h = (oauth2Of(integration) ?? clientCredentialsOf(integration))?.tokenHeader;
  return h ? { [h.header]: `${h.prefix ?? ''}${accessToken}` } : { authorization: `Bearer ${accessToken}` };
}

/** The scopes to ask for: the project's or the integration's, with account parameters filled in (Dynamics' org URL). */
export function requestedScopes(integration: IntegrationDefinition, config: IntegrationConfig | null, values: AccountValues): string[] {
  const auth = oauth2Of(integration);
  if (!auth) return [];
  return (config?.scopes ?? auth.scopes).map((s) => fillAccountTemplate(integration, s, values));
}

/** The `scope` field of a refresh_token grant, for providers that require it: the scopes the user granted at connect. */
function refreshScope(integration: IntegrationDefinition, config: IntegrationConfig | null, values: AccountValues): { scope?: string } {
  const auth = oauth2Of(integration);
  if (!auth?.refreshWithScope) return {};
  const scopes = requestedScopes(integration, config, values);
  return scopes.length > 0 ? { scope: scopes.join(auth.scopeSeparator ?? ' ') } : {};
}

/** Exchange a grant at the token endpoint (authorization_code or refresh_token). */
export async function tokenRequest(client: OAuthClient, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const fields: Record<string, string> = { ...params };
  const headers: Record<string, string> = { accept: 'application/json' };
  if (client.clientAuth === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
  } else {
    fields.client_id = client.clientId;
    fields.client_secret = client.clientSecret;
  }
  headers['content-type'] = client.encoding === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  const payload = client.encoding === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
  let res;
  try {
    res = await request(client.tokenUrl, { method: 'POST', headers, body: payload, headersTimeout: 30_000, bodyTimeout: 30_000 });
  } catch (err) {
    throw new ProviderError('transient', `token endpoint unreachable: ${(err as Error).message}`);
  }
  const text = await res.body.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Some providers answer form-encoded (e.g. GitHub without Accept); accept that too.
    body = Object.fromEntries(new URLSearchParams(text));
  }
  return { status: res.statusCode, body };
}

/**
 * When the token expires: RFC 6749's `expires_in` (seconds from now), else an absolute `expires_at` (RFC 3339, as
 * Square sends), so such tokens are refreshed before they lapse rather than after a 401.
 */
function expiryOf(body: Record<string, unknown>, now: number): number | undefined {
  const expiresIn = Number(body.expires_in);
  if (body.expires_in !== undefined && body.expires_in !== null && body.expires_in !== '' && Number.isFinite(expiresIn) && expiresIn > 0) return now + expiresIn * 1000;
  const at = typeof body.expires_at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(body.expires_at) ? Date.parse(body.expires_at) : NaN;
  return Number.isFinite(at) && at > now ? at : undefined;
}

export function tokenSetFrom(body: Record<string, unknown>, now: number, previousRefreshToken?: string): TokenSet {
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') throw new ProviderError('permanent', 'token endpoint answered without an access_token');
  const expiresAt = expiryOf(body, now);
  const refreshToken = typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : previousRefreshToken;
  return {
    accessToken,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

/**
 * Token-endpoint errors meaning "this refresh token will never work again": RFC 6749's codes plus the
 * provider-specific ones sent with HTTP 200 (Slack `invalid_refresh_token`, GitHub `bad_refresh_token`).
 */
const REFUSED_REFRESH_ERRORS = new Set(['invalid_grant', 'unauthorized_client', 'invalid_refresh_token', 'bad_refresh_token', 'token_revoked']);

export const RECONNECT_MESSAGE = 'The connected account was disconnected or its access was revoked; ask the user to reconnect it.';
export const CLIENT_REFUSED_MESSAGE = "The provider refused the account's client id and secret (changed or revoked); store the credential again with the current ones.";

/** Token-endpoint errors meaning the client credentials themselves are wrong (RFC 6749 §5.2). */
const REFUSED_CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client', 'invalid_grant']);

export class TokenManager {
  private readonly inflight = new Map<string, Promise<Credential>>();

  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now,
  ) {}

  /** An AuthProvider for provider calls made with this credential. */
  authFor(integration: IntegrationDefinition, credentialId: string, config: IntegrationConfig | null): AuthProvider {
    // Whether a new token can help after a 401 depends on the credential (an API key cannot be refreshed); the
    // provider HTTP client reads it after `headers`, which loads the credential.
    let isKey = integration.auth.kind === 'apiKey' && !integration.alternativeAuth;
    return {
      get canRefresh() {
        return !isKey;
      },
      headers: async (forceRefresh) => {
        let c = await this.load(credentialId);
        const key = apiKeyOf(integration);
        isKey = key !== undefined && credentialAuthKind(integration, c) === 'apiKey';
        if (key && isKey) return apiKeyHeaders(key, c);
        if (forceRefresh || this.needsRefresh(c)) c = await this.refresh(integration, c, config, forceRefresh ? c.secrets.accessToken : undefined);
        if (!c.secrets.accessToken) throw new ProviderError('auth', 'credential has no access token');
        return tokenHeaders(integration, c.secrets.accessToken);
      },
    };
  }

  private async load(id: string): Promise<Credential> {
    const c = await this.storage.credentials.get(id);
    if (!c) throw new ProviderError('auth', 'credential was deleted');
    if (c.status === 'INVALID') throw new ProviderError('auth', c.statusReason ?? RECONNECT_MESSAGE);
    return c;
  }

  /**
   * Refresh once for all concurrent callers. `rejectedToken` is the access token the provider just
   * refused: if the stored token already differs, someone else refreshed and we use theirs.
   */
  refresh(integration: IntegrationDefinition, credential: Credential, config: IntegrationConfig | null, rejectedToken?: string): Promise<Credential> {
    const running = this.inflight.get(credential.id);
    if (running) return running;
    const p = this.refreshAcrossProcesses(integration, credential.id, config, rejectedToken).finally(() => this.inflight.delete(credential.id));
    this.inflight.set(credential.id, p);
    return p;
  }

  private async refreshAcrossProcesses(integration: IntegrationDefinition, id: string, config: IntegrationConfig | null, rejectedToken?: string): Promise<Credential> {
    const deadline = this.now() + WAIT_FOR_OTHER_REFRESH_MS;
    while (!(await this.storage.credentials.tryLockRefresh(id, this.now(), this.now() + REFRESH_LEASE_MS))) {
      // Another process is refreshing: wait for it, then use what it stored.
      if (this.now() > deadline) throw new ProviderError('transient', 'timed out waiting for another process to refresh the token');
      await new Promise((r) => setTimeout(r, 100));
      const c = await this.load(id);
      if (!this.needsRefresh(c, rejectedToken)) return c;
    }
    try {
      // Re-read under the lock: the token may have been refreshed while we were waiting for it.
      const c = await this.load(id);
      if (!this.needsRefresh(c, rejectedToken)) return c;
      return await this.callTokenEndpoint(integration, c, config);
    } finally {
      await this.storage.credentials.unlockRefresh(id);
    }
  }

  private needsRefresh(c: Credential, rejectedToken?: string): boolean {
    if (rejectedToken !== undefined) return c.secrets.accessToken === rejectedToken;
    // A client-credentials account has no token until its first exchange.
    if (!c.secrets.accessToken) return true;
    return c.expiresAt !== null && c.expiresAt - REFRESH_MARGIN_MS <= this.now();
  }

  private async callTokenEndpoint(integration: IntegrationDefinition, c: Credential, config: IntegrationConfig | null): Promise<Credential> {
    if (integration.auth.kind === 'clientCredentials') return this.exchangeClientCredentials(integration.auth, integration, c, config);
    const values = accountValuesOf(integration, c.secrets.extra);
    const client = oauthClientFor(integration, config, values);
    if (!c.secrets.refreshToken) {
      await this.invalidate(c, 'The access token expired and the connected account has no refresh token; ask the user to reconnect it.');
      throw new ProviderError('auth', 'no refresh token');
    }
    if (!client) throw new ProviderError('permanent', `${integration.key} has no OAuth client id/secret configured for this project`);
    const { status, body } = await tokenRequest(client, { grant_type: 'refresh_token', refresh_token: c.secrets.refreshToken, ...refreshScope(integration, config, values) });
    // Some providers (Slack, GitHub) refuse a refresh with HTTP 200 and an `error` field.
    const refusedWith200 = status >= 200 && status < 300 && typeof body.error === 'string' && typeof body.access_token !== 'string';
    if (status >= 200 && status < 300 && !refusedWith200) {
      const tokens = tokenSetFrom(body, this.now(), c.secrets.refreshToken);
      const updated = await this.storage.credentials.update(c.id, {
        secrets: { ...c.secrets, accessToken: tokens.accessToken, ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}) },
        expiresAt: tokens.expiresAt ?? null,
      });
      if (!updated) throw new ProviderError('auth', 'credential was deleted');
      return updated;
    }
    const refused = REFUSED_REFRESH_ERRORS.has(String(body.error)) || oauth2Of(integration)?.refusedRefreshErrors?.includes(String(body.error)) === true;
    if (refused || status === 401) {
      await this.invalidate(c, RECONNECT_MESSAGE);
      throw new ProviderError('auth', `token refresh refused: ${typeof body.error === 'string' ? body.error : `HTTP ${status}`}`);
    }
    if (status === 429) throw new ProviderError('rate_limited', 'token endpoint rate limited', status);
    const reason = typeof body.error === 'string' ? body.error : `HTTP ${status}`;
    throw new ProviderError(status >= 500 ? 'transient' : 'permanent', `token refresh failed: ${reason}`, status);
  }

  /** A new token for a client-credentials account (RFC 6749 §4.4); refused client credentials invalidate it. */
  private async exchangeClientCredentials(auth: ClientCredentialsAuth, integration: IntegrationDefinition, c: Credential, config: IntegrationConfig | null): Promise<Credential> {
    const client = clientOfCredential(auth, integration, config, c);
    if (!client) {
      await this.invalidate(c, 'The credential has no client id and secret; store it again with clientId and clientSecret.');
      throw new ProviderError('auth', 'no client credentials');
    }
    const scopes = config?.scopes ?? auth.scopes ?? [];
    const { status, body } = await tokenRequest(client, {
      grant_type: 'client_credentials',
      ...(scopes.length > 0 ? { scope: scopes.join(auth.scopeSeparator ?? ' ') } : {}),
      ...clientTokenParams(auth, c.secrets.extra),
    });
    if (status >= 200 && status < 300 && typeof body.access_token === 'string') {
      const tokens = tokenSetFrom(body, this.now());
      const updated = await this.storage.credentials.update(c.id, { secrets: { ...c.secrets, accessToken: tokens.accessToken }, expiresAt: tokens.expiresAt ?? null });
      if (!updated) throw new ProviderError('auth', 'credential was deleted');
      return updated;
    }
    const reason = typeof body.error === 'string' ? body.error : `HTTP ${status}`;
    if (status === 401 || REFUSED_CLIENT_ERRORS.has(String(body.error))) {
      await this.invalidate(c, CLIENT_REFUSED_MESSAGE);
      throw new ProviderError('auth', `client credentials refused: ${reason}`);
    }
    if (status === 429) throw new ProviderError('rate_limited', 'token endpoint rate limited', status);
    throw new ProviderError(status >= 500 ? 'transient' : 'permanent', `token request failed: ${reason}`, status);
  }

  /**
   * The provider refused a call made with this credential even after a new token was tried (`ProviderError('auth')`
   * from a poll or a subscribe): unless something else already marked it, the account needs reconnecting.
   */
  async refusedByProvider(credentialId: string, detail: string): Promise<void> {
    const c = await this.storage.credentials.get(credentialId);
    if (c && c.status === 'VALID') await this.invalidate(c, `The provider refused the connected account (${detail}); ask the user to reconnect it.`);
  }

  /** The credential can no longer be used: mark it and every subscription on it. */
  async invalidate(c: Credential, reason: string): Promise<void> {
    await this.storage.credentials.update(c.id, { status: 'INVALID', statusReason: reason });
    const subs = await this.storage.subscriptions.list({ projectId: c.projectId, credentialId: c.id });
    const now = this.now();
    for (const s of subs) {
      await this.storage.subscriptions.update(s.id, { status: 'ERRORED', error: reason });
      await this.storage.logs.add({ projectId: s.projectId, subscriptionId: s.id, at: now, level: 'error', message: reason });
    }
  }
}
