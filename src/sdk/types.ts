// The integration SDK: the only API an integration may import. An integration is data plus small pure
// functions; the engine owns all state (cursors, provider webhook ids, secrets, tokens) and all decisions
// about retries, backoff and ERRORED transitions.
import type { Handshake, VerificationScheme } from './verify/index.js';

/** Paragon's input types, as shown to users in the catalog and the dashboard forms. */
export type ParameterInputType =
  | 'TEXT'
  | 'TEXT_NO_VARS'
  | 'TEXTAREA'
  | 'NUMBER'
  | 'BOOLEAN_INPUT'
  | 'SWITCH'
  | 'ENUM'
  | 'CONDITIONAL'
  | 'EMAIL'
  | 'URL'
  | 'DATE';

export interface ParameterDefinition {
  id: string;
  title: string;
  type: ParameterInputType;
  required: boolean;
  description?: string;
  placeholder?: string;
  defaultValue?: unknown;
  /** For ENUM: the allowed values. */
  options?: Array<{ label: string; value: string }>;
  /** Extra check beyond the type; return a message saying what is wrong, or null. */
  validate?: (value: unknown) => string | null;
}

/** One occurrence found by a source. `key` is unique per subscription: the engine stores each key once. */
export interface Item {
  key: string;
  payload: unknown;
  occurredAt?: number;
}

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path relative to the integration's apiBaseUrl, or an absolute URL (e.g. a Salesforce nextRecordsUrl on instance_url). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string | string[]>;
  /** Do not throw on these statuses; return them to the caller (e.g. 404 on unregister, 410 on an expired sync token). */
  allowStatus?: number[];
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

/**
 * An HTTP client bound to one credential and the integration's apiBaseUrl. It adds the credential's auth,
 * refreshes an expired OAuth token once on 401, and throws ProviderError (classified) on failure.
 */
export interface HttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  get<T = unknown>(path: string, query?: HttpRequest['query']): Promise<T>;
  post<T = unknown>(path: string, json?: unknown): Promise<T>;
}

export type ProviderErrorKind = 'auth' | 'rate_limited' | 'transient' | 'permanent';

/** How a provider call failed. The engine decides what to do: refresh, back off, retry, or mark ERRORED. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export interface CredentialView {
  id: string;
  providerAccountId: string | null;
  /** Provider extras saved at connect time (e.g. Salesforce instance_url, Jira cloud id). Never tokens. */
  extra: Record<string, unknown>;
}

export interface SourceContext<P = Record<string, unknown>> {
  http: HttpClient;
  params: P;
  credential: CredentialView;
  log: Logger;
  signal: AbortSignal;
  now: () => number;
}

// ── poll ─────────────────────────────────────────────────────────────────────────────────────────────
export interface PollContext<P = Record<string, unknown>> extends SourceContext<P> {
  /** null on the first (baseline) poll. */
  cursor: unknown;
}

export interface PollResult {
  items: Item[];
  cursor: unknown;
}

export interface PollSource<P = Record<string, unknown>> {
  kind: 'poll';
  /**
   * Fetch items since `cursor`. Re-reading an overlapping window is harmless (the engine dedupes by key).
   * On the baseline poll (cursor null) the items returned are recorded as already seen and not delivered.
   */
  poll(ctx: PollContext<P>): Promise<PollResult>;
  /**
   * For providers whose app webhook only says "something changed for this account" (Dropbox): return
   * true to make this subscription poll at once when such an event arrives for its credential's account.
   */
  pollOnAppEvent?(event: AppEvent, params: P): boolean;
}

// ── what push sources may declare ────────────────────────────────────────────────────────────────────
/** How long the provider of a webhook or app-webhook source may send the same event again. */
export interface ProviderRepeats {
  /**
   * Optional: after how many days the provider no longer sends an event again — automatic retries and any
   * manual resend included. Declare it only when items come from the pushed request alone (nothing fetched
   * that a later read could list again, no catchUp). Event retention (OPENTRIGGERS_EVENT_RETENTION_DAYS at
   * least this) then deletes this trigger's old events altogether instead of keeping a dedupe marker of
   * each forever: no repeat of them can arrive any more (ADR 0016).
   */
  redeliveryDays?: number;
}

// ── per-subscription webhook ─────────────────────────────────────────────────────────────────────────
export interface RegisterContext<P = Record<string, unknown>> extends SourceContext<P> {
  /** Where the provider must send events for this subscription. */
  hookUrl: string;
  /** A fresh random secret generated for this subscription (use it where the provider lets us choose). */
  secret: string;
}

export interface Registration {
  /** Source-owned state stored with the subscription (provider webhook id, channel id, …). */
  state: Record<string, unknown>;
  /** When the provider chose the secret (Stripe, Calendly, Asana handshake), the secret to verify with. */
  secret?: string;
  /** When the provider subscription expires; the engine renews it before then. */
  expiresAt?: number;
}

export interface InboundRequest {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** Parsed body: JSON, or form fields for form-encoded bodies. */
  body: unknown;
}

export interface WebhookItems {
  items: Item[];
  /** Replaces the subscription's source state. */
  state?: Record<string, unknown>;
}

export interface WebhookContext<P = Record<string, unknown>> extends SourceContext<P> {
  state: Record<string, unknown>;
}

/**
 * For providers that sign every webhook of an app with the app's own key instead of one per webhook (Box,
 * Trello, Webflow; Calendly for OAuth apps). The key is the project's integration `webhookSecret`, read
 * when each request arrives: a key rotated in the project's configuration applies at once to every
 * subscription, and nothing is copied into subscriptions.
 */
export interface AppSigningKey {
  /**
   * true: the provider signs with nothing else. The engine refuses to register without the key (nothing
   * could be verified) and verifies with it alone. false: the engine verifies with the key when one is
   * configured and otherwise, or when it does not match, with the subscription's own secret (Calendly
   * signs a personal token's subscriptions with the key we chose, an OAuth app's with the app's key).
   */
  required: boolean;
  /** What the key is and where the provider shows it, for the error that asks for it. */
  description: string;
}

/**
 * For providers that hand the signing key over after registration, in an unsigned request to the hook URL
 * that must then be confirmed with them (FreshBooks POSTs a `verifier`, confirmed with a PUT; it keys every
 * later signature). The engine asks `match` before verification; for a match it runs `accept`, which
 * confirms the key with the provider — the provider refusing a forged key is what makes the unsigned request
 * trustworthy — and returns it with the new source state: the key becomes the subscription's verification
 * secret. Return null when no handover is expected (already confirmed): the request is refused, changing
 * nothing. Throw ProviderError when the provider refuses the key.
 */
export interface KeyHandover<P = Record<string, unknown>> {
  match(req: InboundRequest): boolean;
  accept(req: InboundRequest, ctx: WebhookContext<P>): Promise<{ secret: string; state: Record<string, unknown> } | null>;
}

export interface WebhookSource<P = Record<string, unknown>> extends ProviderRepeats {
  kind: 'webhook';
  /** A signing key handed over after registration (see KeyHandover). */
  keyHandover?: KeyHandover<P>;
  /**
   * How inbound requests for this subscription are verified: with the subscription's secret, or with the
   * app's key when `appSigningKey` says so.
   */
  verification: VerificationScheme;
  appSigningKey?: AppSigningKey;
  handshakes?: Handshake[];
  /**
   * The answer to an accepted request, instead of `{"ok":true,"events":n}` as JSON: for providers that read
   * the answer's body (Twilio takes the answer to an incoming message as TwiML instructions and reports a
   * JSON answer as error 12300, so its sources answer an empty `<Response/>` as text/xml).
   */
  acknowledgement?: { contentType: string; body: string };
  register(ctx: RegisterContext<P>): Promise<Registration>;
  unregister(ctx: WebhookContext<P>): Promise<void>;
  /** Extend an expiring provider subscription; throw ProviderError with status 404 to have it re-created. */
  renew?(ctx: WebhookContext<P>): Promise<Registration>;
  /**
   * Optional, for registrations that do not expire (a GitHub repository hook, an Asana webhook): is it
   * still there and delivering? The engine asks every hour. 'gone' (deleted at the provider) makes it
   * register again with a fresh secret; 'inactive' (disabled there, e.g. after failed deliveries) makes it
   * unregister the disabled one first, then register. Throw for "could not tell" (ProviderError).
   */
  check?(ctx: WebhookContext<P>): Promise<'active' | 'gone' | 'inactive'>;
  /**
   * The provider's delivery id, for logs. Deduplication is by item key: make `toItems` return keys that
   * are the same when the provider retries (its event id, or the object id and version).
   */
  deliveryId?(req: InboundRequest): string | undefined;
  /**
   * Map a verified inbound request to items (may call the provider to complete thin notifications).
   * Return `{items, state}` when the notification advances source state (e.g. a new sync token): the
   * engine stores the state and the items in one transaction.
   */
  toItems(req: InboundRequest, ctx: WebhookContext<P>): Promise<Item[] | WebhookItems> | Item[] | WebhookItems;
  /**
   * Optional: the changes since the cursor in `ctx.state`, and the state with the cursor moved on. The
   * engine runs it every OPENTRIGGERS_BACKSTOP_SYNC_SECONDS as a backstop for notifications the provider
   * lost, and when the provider dropped the subscription (re-created), with the old state, to recover what
   * was never announced. Its items must carry the same keys as `toItems`'s, so what was notified is not
   * delivered again. Sources may also use it themselves (e.g. when the provider reports missed
   * notifications).
   */
  catchUp?(ctx: WebhookContext<P>): Promise<{ items: Item[]; state: Record<string, unknown> }>;}

// ── app-level webhook ────────────────────────────────────────────────────────────────────────────────
/** One event received on an integration's app-level URL, addressed to one provider account. */
export interface AppEvent {
  providerAccountId: string;
  /** Stable id of this event at the provider, for dedupe across provider retries. */
  deliveryId: string;
  eventType: string;
  event: unknown;
}

export interface AppWebhookConfig {
  verification: VerificationScheme;
  handshakes?: Handshake[];
  /** Split a verified request into events (one request may address several accounts). */
  parse(req: InboundRequest): AppEvent[];
  /**
   * Answer an accepted request with an empty 200 instead of `{"ok":true,"events":n}`: for providers that
   * read the answer's body (Slack takes a body answering an interaction as a reply — a replacement message,
   * a modal's response_action).
   */
  emptyAcknowledgement?: boolean;
  /**
   * The answer to an accepted request, as text (like a webhook source's `acknowledgement`): Dropbox Sign
   * counts a delivery as received only when the answer's body is `Hello API Event Received`.
   */
  acknowledgement?: { contentType: string; body: string };
}

export interface AppWebhookSource<P = Record<string, unknown>> extends ProviderRepeats {
  kind: 'appWebhook';
  /** Items for one subscription from one app event; return [] when it does not match. */
  match(event: AppEvent, params: P): Item[];}

export type Source<P = Record<string, unknown>> = PollSource<P> | WebhookSource<P> | AppWebhookSource<P>;

export interface TriggerDefinition<P = Record<string, unknown>> {
  /** Paragon's type name where Paragon has the trigger, e.g. GITHUB_TRIGGER_ISSUE_CREATED. */
  type: string;
  title: string;
  description: string;
  parameters: ParameterDefinition[];
  examplePayload: unknown;
  /** The provider doc page this trigger follows. */
  docsUrl?: string;
  source: Source<P>;
}

/**
 * A trigger whose parameter type is not known statically (the catalog holds triggers of many parameter
 * shapes; a source function's parameter is contravariant, so only `any` lets them share one list).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTriggerDefinition = TriggerDefinition<any>;

// ── integration ──────────────────────────────────────────────────────────────────────────────────────
export interface OAuth2Auth {
  kind: 'oauth2';
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  scopeSeparator?: string;
  pkce: boolean;
  /** How the client authenticates at the token endpoint. */
  clientAuth?: 'body' | 'basic';
  /** How token requests are encoded: form (RFC 6749, the default) or JSON (Notion, Atlassian). */
  tokenRequestEncoding?: 'form' | 'json';
  extraAuthorizationParams?: Record<string, string>;
  /**
   * Send the scopes again on a refresh_token grant. RFC 6749 makes `scope` optional there (the original
   * grant's scopes apply); the Microsoft identity platform requires it.
   */
  refreshWithScope?: boolean;
  /**
   * The provider's own token-endpoint error codes meaning "this refresh token will never work again", beyond
   * the standard ones the engine knows (invalid_grant, …): Zoho's `invalid_code`. The credential is then
   * marked INVALID at once instead of failing every poll until the subscription turns ERRORED.
   */
  refusedRefreshErrors?: string[];
  /**
   * How the access token is sent, when not as `Authorization: Bearer <token>` (Shopify's Admin API reads
   * `X-Shopify-Access-Token`).
   */
  tokenHeader?: { header: string; prefix?: string };
}

export interface ApiKeyAuth {
  kind: 'apiKey';
  /** How the key is sent: header name and optional prefix (e.g. Authorization + 'Bearer '). */
  header: string;
  prefix?: string;
  /**
   * Send the key as HTTP Basic credentials instead (`header` and `prefix` are then not used): the key as the
   * user name and this fixed password (Freshdesk: "X"), so users store the key exactly as the provider shows it.
   */
  basicPassword?: string;
  /**
   * Send the key as the HTTP Basic password instead, with this user name (`header` and `prefix` are then not used).
   * `{name}` placeholders are filled from the credential's `extra`, and those fields are required when a key
   * credential is stored: Zendesk API tokens `'{email}/token'`, Azure DevOps personal access tokens `''`.
   */
  basicUser?: string;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4): no user consent and no refresh token. The connected account is a
 * client id and secret the user created in the provider (a Greenhouse custom integration, a Marketo LaunchPoint
 * service), stored with `POST /credentials` `{clientId, clientSecret, extra}`; the engine exchanges them for an
 * access token when it has none, when the token is about to expire, and after a 401, one exchange at a time per
 * credential, and keeps the token with the credential. A refused exchange (`invalid_client`, 401) marks the
 * credential INVALID.
 */
export interface ClientCredentialsAuth {
  kind: 'clientCredentials';
  /** The token endpoint; may hold `{name}` placeholders of `accountParameters` (an instance's own host). */
  tokenUrl: string;
  /** How the client authenticates at the token endpoint: form fields (the default) or HTTP Basic. */
  clientAuth?: 'body' | 'basic';
  tokenRequestEncoding?: 'form' | 'json';
  /** Sent as `scope` when not empty (the project's configured scopes win). */
  scopes?: string[];
  scopeSeparator?: string;
  /**
   * More token-request fields, each the value of one field of the credential's `extra`, required when a credential
   * is stored (Greenhouse's `sub`: the id of the user the integration acts as).
   */
  tokenParams?: Array<{ field: string; fromExtra: string; description: string }>;
  /** How the access token is sent, when not as `Authorization: Bearer <token>`. */
  tokenHeader?: { header: string; prefix?: string };
}

export type IntegrationAuth = OAuth2Auth | ApiKeyAuth | ClientCredentialsAuth;

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt?: number;
  extra?: Record<string, unknown>;
}

/**
 * A value naming the connected account's own host, for providers whose OAuth endpoints and API live there
 * (Shopify's `{shop}.myshopify.com`, Zendesk's `{subdomain}.zendesk.com`). The connecting user gives it
 * (`parameters` of the connect call, or `extra` of a credential made directly); the engine checks that it is
 * one DNS label, so it can only choose a host under the provider's domain, and replaces `{name}` with it in
 * `apiBaseUrl`, `authorizationUrl`, `tokenUrl` and `scopes` (the SDK's and the project's configured ones).
 * The credential keeps it in `extra[name]`.
 */
export interface AccountParameter {
  /** The placeholder and the field name: letters and digits, starting with a letter. */
  name: string;
  /** What to enter, for error messages and the catalog ("the store's subdomain, e.g. acme"). */
  description: string;
  /**
   * A domain suffix users often include (`.myshopify.com`): removed before the label check, so
   * `acme.myshopify.com` and `acme` both mean `acme`.
   */
  acceptSuffix?: string;
}

export interface IntegrationDefinition {
  key: string;
  name: string;
  auth: IntegrationAuth;
  /**
   * A second way to connect an account, of the other kind: an API key besides OAuth (PagerDuty's REST API keys) or
   * OAuth besides an API key (Klaviyo's OAuth apps). A credential is an API key when it carries `apiKey`, and an
   * OAuth credential when it carries an `accessToken` (given directly or made by the connect flow). Client
   * credentials take no alternative.
   */
  alternativeAuth?: OAuth2Auth | ApiKeyAuth;
  /** May hold `{name}` placeholders of `accountParameters`. */
  apiBaseUrl: string;
  /** Values the connecting user gives that name the account's own host (see AccountParameter). */
  accountParameters?: AccountParameter[];
  docsUrl?: string;
  /** Extra headers on every provider call (e.g. Notion-Version). */
  defaultHeaders?: Record<string, string>;
  /**
   * Headers every provider call needs that depend on the credential (Harvest's `Harvest-Account-Id`, Copper's
   * `X-PW-UserEmail`), from its `extra`. The engine adds them to each call made with that credential, after
   * `defaultHeaders` and before the token. Throw `ProviderError('permanent', …)` naming the missing `extra` field:
   * the call then fails with that message and nothing is sent.
   */
  credentialHeaders?(credential: CredentialView): Record<string, string>;
  /**
   * For providers that refuse a token in the answer's body rather than with HTTP 401 (Slack's `{"ok": false,
   * "error": "token_expired"}` with 200, Marketo's error codes 601/602): true when this answer means the access
   * token was refused. The engine then treats it as a 401 — gets a new token (refresh, or a client-credentials
   * exchange) and makes the call once more; the second answer is returned as it is, for the integration to map.
   */
  tokenRefused?(res: HttpResponse<unknown>): boolean;
  /**
   * Find the provider account id (Slack team, Dropbox account, …) after connect. `callbackParams` are the
   * parameters the provider added to the OAuth redirect besides code and state (QuickBooks' `realmId`); they
   * pass through the user's browser, so confirm them with an API call where the provider allows it. Empty
   * or absent for credentials not made by the connect flow.
   */
  accountId?(ctx: { http: HttpClient; token: TokenSet; callbackParams?: Readonly<Record<string, string>> }): Promise<{ providerAccountId: string; extra?: Record<string, unknown> }>;
  /** Present when the provider sends one app-wide webhook for all accounts. */
  appWebhook?: AppWebhookConfig;
  triggers: AnyTriggerDefinition[];
}
