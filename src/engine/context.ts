// Building the narrow ctx handed to a trigger's source functions.
import type { Logger as PinoLogger } from 'pino';
import { Agent } from 'undici';
import { createGuardedConnector } from '../delivery/ssrf.js';
import type { CredentialView, HttpClient, IntegrationDefinition, Logger, SourceContext } from '../sdk/index.js';
import type { Credential, Storage } from '../storage/port.js';
import { accountValuesOf, fillAccountTemplate } from './account-parameters.js';
import { createProviderHttp } from './provider-http.js';
import type { TokenManager } from './tokens.js';

export interface EngineDeps {
  storage: Storage;
  tokens: TokenManager;
  logger: PinoLogger;
  now: () => number;
  publicUrl: string;
  pollIntervalSeconds: number;
  /** Backstop sync interval of webhook subscriptions whose source can catch up; 0: off (backstop.ts). */
  backstopSyncSeconds: number;
  allowPrivateWebhookUrls: boolean;
}

export function credentialView(c: Credential | null): CredentialView {
  return { id: c?.id ?? '', providerAccountId: c?.providerAccountId ?? null, extra: c?.secrets.extra ?? {} };
}

/** The trigger's logger; the pino child (with its redaction set-up) is made on the first line logged. */
function triggerLogger(base: PinoLogger, bindings: Record<string, unknown>): Logger {
  let child: PinoLogger | undefined;
  const log = () => (child ??= base.child(bindings));
  return {
    debug: (msg, data) => log().debug(data ?? {}, msg),
    info: (msg, data) => log().info(data ?? {}, msg),
    warn: (msg, data) => log().warn(data ?? {}, msg),
  };
}

let foreignHosts: Agent | undefined;
/**
 * One agent per process for provider calls to hosts that credential data names (provider-http.ts): it refuses
 * private addresses at connect time, like webhook deliveries (OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS lifts both).
 */
function foreignHostAgent(): Agent {
  return (foreignHosts ??= new Agent({ connect: createGuardedConnector({ allowPrivate: false }) }));
}

/** An HttpClient made on its first request: most inbound webhooks map to items without calling the provider. */
function lazyHttp(make: () => Promise<HttpClient>): HttpClient {
  let client: Promise<HttpClient> | undefined;
  const get = () => (client ??= make());
  return {
    async request(req) {
      return (await get()).request(req);
    },
    async get(path, query) {
      return (await get()).get(path, query);
    },
    async post(path, json) {
      return (await get()).post(path, json);
    },
  };
}

/**
 * The ctx handed to a source function. Everything a call may not need is made on first use — the
 * integration settings (a query), the provider HTTP client, the timeout signal (a timer) and the logger —
 * because inbound webhooks are the hot path and most only map the request's body. `signal` is an
 * AbortSignal, or a timeout in ms for one made on first use. Add fields with Object.assign, not a spread:
 * a spread reads (and so makes) the signal.
 */
export function sourceContext<P>(
  deps: EngineDeps,
  integration: IntegrationDefinition,
  projectId: string,
  credential: Credential | null,
  params: P,
  signal: AbortSignal | number,
): SourceContext<P> {
  let abortSignal = typeof signal === 'number' ? undefined : signal;
  const view = credentialView(credential);
  const ctx: SourceContext<P> = {
    http: lazyHttp(async () => {
      const config = await deps.storage.integrationConfigs.get(projectId, integration.key);
      // The account's own host (Shopify's store) when the integration's URL names one.
      const apiBaseUrl = fillAccountTemplate(integration, config?.apiBaseUrl ?? integration.apiBaseUrl, accountValuesOf(integration, credential?.secrets.extra));
      const auth = credential
        ? deps.tokens.authFor(integration, credential.id, config)
        : { canRefresh: false, headers: async () => ({}) };
      // The cursor-holding state lives in the engine; the trigger only sees this narrow view.
      return createProviderHttp({ integration, apiBaseUrl, auth, credential: view, signal: ctx.signal, ...(deps.allowPrivateWebhookUrls ? {} : { foreignHostDispatcher: foreignHostAgent() }) });
    }),
    params,
    credential: view,
    log: triggerLogger(deps.logger, { integration: integration.key, credentialId: credential?.id, projectId }),
    get signal() {
      return (abortSignal ??= AbortSignal.timeout(signal as number));
    },
    now: deps.now,
  };
  return ctx;
}

export const subscriptionHookUrl = (publicUrl: string, subscriptionId: string) => `${publicUrl}/hooks/s/${subscriptionId}`;
export const appHookUrl = (publicUrl: string, projectId: string, integration: string) => `${publicUrl}/hooks/app/${projectId}/${integration}`;
export const oauthRedirectUrl = (publicUrl: string) => `${publicUrl}/oauth/callback`;

/** ±10 % jitter so subscriptions created together do not poll in lockstep forever. */
export function jitteredInterval(seconds: number, random: () => number = Math.random): number {
  return Math.round(seconds * 1000 * (0.9 + 0.2 * random()));
}
