// Sentry's Integration Platform sends the webhooks of every installation of one integration (public or
// internal) to the integration's single webhook URL. Each request names its resource in the
// `Sentry-Hook-Resource` header (issue, error, event_alert, metric_alert, installation, comment), the action
// in the body's `action`, and the installation in `installation.uuid`: that uuid is the provider account id
// of a credential. `Sentry-Hook-Signature` is the hex HMAC-SHA256 of the JSON body keyed with the
// integration's Client Secret (the project's `webhookSecret`).
// https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
import { createHash } from 'node:crypto';
import { inboundHeader, inboundJson, type AppEvent, type AppWebhookConfig, type HmacScheme, type InboundRequest } from '../../sdk/index.js';

/**
 * The signature covers the body alone; `Sentry-Hook-Timestamp` is not part of it, so it is not checked
 * (a freshness window on an unsigned header would not stop a replay).
 */
export const sentrySignature: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'sentry-hook-signature', encoding: 'hex' };

/** What a trigger reads from a Sentry webhook: the resource (header), the action and the whole body. */
export interface SentryEvent {
  resource: string;
  action: string;
  body: Record<string, unknown>;
}

const INSTALLATION_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One event per request, addressed to the installation named in the body. The delivery id is Sentry's
 * `Request-ID` header, or a digest of the body when it is missing (it is only used in keys of state-change
 * triggers, see triggers/sentry-trigger.ts). Requests without an installation uuid, resource or action are
 * acknowledged and dropped: nobody could be addressed by them.
 */
export function parseSentryRequest(req: InboundRequest): AppEvent[] {
  const body = inboundJson(req);
  const resource = inboundHeader(req, 'sentry-hook-resource');
  if (!body || !resource) return [];
  const installation = body.installation as { uuid?: unknown } | null | undefined;
  const uuid = installation && typeof installation === 'object' ? installation.uuid : undefined;
  if (typeof uuid !== 'string' || !INSTALLATION_UUID.test(uuid)) return [];
  if (typeof body.action !== 'string' || body.action === '') return [];
  const deliveryId = inboundHeader(req, 'request-id') ?? `sha256:${createHash('sha256').update(req.rawBody).digest('hex')}`;
  const event: SentryEvent = { resource, action: body.action, body };
  return [{ providerAccountId: uuid, deliveryId, eventType: `${resource}.${body.action}`, event }];
}

export const sentryAppWebhook: AppWebhookConfig = {
  verification: sentrySignature,
  parse: parseSentryRequest,
};
