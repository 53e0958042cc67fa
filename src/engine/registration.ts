// Registering a subscription's webhook at the provider: at subscribe time, on a parameter change, and when a
// renewal or a registration check registers it again. One path, so every registration gets the same inputs
// (our hook URL, a fresh secret), the same check of the app's signing key and the same handshake capture.
import { randomBytes } from 'node:crypto';
import { ProviderError, handshakePhase, type Registration, type SourceContext, type WebhookSource } from '../sdk/index.js';
import type { Storage, Subscription } from '../storage/port.js';
import { subscriptionHookUrl, type EngineDeps } from './context.js';

/** A registration in progress: handshakes for it are answered (and may hand over a secret) only meanwhile. */
export interface PendingRegistration {
  projectId: string;
  triggerType: string;
  /** Set by a hookSecret handshake (Asana) while the registration runs. */
  hookSecret?: string;
}
export const pendingHookKey = (subscriptionId: string) => `pending_registration:${subscriptionId}`;

/** Register `sub`'s webhook; returns the registration and the secret inbound requests are verified with. */
export async function registerWebhook(
  deps: Pick<EngineDeps, 'storage' | 'publicUrl'>,
  source: WebhookSource<Record<string, unknown>>,
  sub: Pick<Subscription, 'id' | 'projectId' | 'triggerType' | 'integration'>,
  ctx: SourceContext<Record<string, unknown>>,
): Promise<{ registration: Registration; secret: string }> {
  if (source.appSigningKey?.required) await requireAppSigningKey(deps.storage, sub, source.appSigningKey.description);
  const secret = randomBytes(32).toString('hex');
  const unsignedHandshake = (source.handshakes ?? []).some((h) => handshakePhase(h) === 'beforeVerification');
  const captured = await withPendingRegistration(deps.storage, sub, unsignedHandshake, () =>
    source.register({ ...ctx, hookUrl: subscriptionHookUrl(deps.publicUrl, sub.id), secret }),
  );
  return { registration: captured.result, secret: captured.result.secret ?? captured.hookSecret ?? secret };
}

/** Without the app's key no delivery could ever be verified: refuse before creating anything at the provider. */
async function requireAppSigningKey(storage: Storage, sub: Pick<Subscription, 'projectId' | 'integration'>, description: string): Promise<void> {
  const config = await storage.integrationConfigs.get(sub.projectId, sub.integration);
  if (config?.webhookSecret) return;
  throw new ProviderError(
    'permanent',
    `the provider signs these webhooks with its app's key: set webhookSecret in this project's ${sub.integration} integration configuration to ${description}, then subscribe again`,
  );
}

/**
 * Providers like Asana and Microsoft Graph call our URL while our create call is still running — before
 * the subscription row exists, or, when it is registered again, while the row still holds the old secret.
 * A marker row (visible to every process) lets those handshakes be answered and hand a secret over; it is
 * removed afterwards so no later request can set anything.
 */
async function withPendingRegistration<T>(
  storage: Storage,
  sub: Pick<Subscription, 'id' | 'projectId' | 'triggerType'>,
  expectsHandshake: boolean,
  register: () => Promise<T>,
): Promise<{ result: T; hookSecret?: string }> {
  if (!expectsHandshake) return { result: await register() };
  const key = pendingHookKey(sub.id);
  await storage.meta.set(key, JSON.stringify({ projectId: sub.projectId, triggerType: sub.triggerType } satisfies PendingRegistration));
  try {
    const result = await register();
    const raw = await storage.meta.get(key);
    const hookSecret = raw !== null ? (JSON.parse(raw) as PendingRegistration).hookSecret : undefined;
    return hookSecret !== undefined ? { result, hookSecret } : { result };
  } finally {
    await storage.meta.delete(key);
  }
}
