// Building the narrow ctx handed to a trigger's source functions.
import type { Logger as PinoLogger } from 'pino';
import type { CredentialView, IntegrationDefinition, Logger, SourceContext } from '../sdk/index.js';
import type { Credential, Storage } from '../storage/port.js';
import { createProviderHttp } from './provider-http.js';
import type { TokenManager } from './tokens.js';

export interface EngineDeps {
  storage: Storage;
  tokens: TokenManager;
  logger: PinoLogger;
  now: () => number;
  publicUrl: string;
  pollIntervalSeconds: number;
  allowPrivateWebhookUrls: boolean;
}

export function credentialView(c: Credential | null): CredentialView {
  return { id: c?.id ?? '', providerAccountId: c?.providerAccountId ?? null, extra: c?.secrets.extra ?? {} };
}

function triggerLogger(base: PinoLogger, bindings: Record<string, unknown>): Logger {
  const child = base.child(bindings);
  return {
    debug: (msg, data) => child.debug(data ?? {}, msg),
    info: (msg, data) => child.info(data ?? {}, msg),
    warn: (msg, data) => child.warn(data ?? {}, msg),
  };
}

export async function sourceContext<P>(
  deps: EngineDeps,
  integration: IntegrationDefinition,
  projectId: string,
  credential: Credential | null,
  params: P,
  signal: AbortSignal,
): Promise<SourceContext<P>> {
  const config = await deps.storage.integrationConfigs.get(projectId, integration.key);
  const apiBaseUrl = config?.apiBaseUrl ?? integration.apiBaseUrl;
  const auth = credential
    ? deps.tokens.authFor(integration, credential.id, config)
    : { canRefresh: false, headers: async () => ({}) };
  // The cursor-holding state lives in the engine; the trigger only sees this narrow view.
  return {
    http: createProviderHttp({ integration, apiBaseUrl, auth, signal }),
    params,
    credential: credentialView(credential),
    log: triggerLogger(deps.logger, { integration: integration.key, credentialId: credential?.id, projectId }),
    signal,
    now: deps.now,
  };
}

export const subscriptionHookUrl = (publicUrl: string, subscriptionId: string) => `${publicUrl}/hooks/s/${subscriptionId}`;
export const appHookUrl = (publicUrl: string, projectId: string, integration: string) => `${publicUrl}/hooks/app/${projectId}/${integration}`;
export const oauthRedirectUrl = (publicUrl: string) => `${publicUrl}/oauth/callback`;

/** ±10 % jitter so subscriptions created together do not poll in lockstep forever. */
export function jitteredInterval(seconds: number, random: () => number = Math.random): number {
  return Math.round(seconds * 1000 * (0.9 + 0.2 * random()));
}
