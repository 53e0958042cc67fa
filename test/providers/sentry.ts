// A fake of Sentry's side of the Integration Platform webhooks, over real HTTP: it POSTs a JSON body to the
// integration's webhook URL with the documented headers (Content-Type, Request-ID, Sentry-Hook-Resource,
// Sentry-Hook-Timestamp, Sentry-Hook-Signature = hex HMAC-SHA256 of the body keyed with the Client Secret),
// computed here with node:crypto straight from Sentry's documentation, not with our SDK.
// The integration makes no Sentry API call, so there is no API to fake.
// Docs followed: https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';

export interface SentrySendOptions {
  clientSecret: string;
  /** Sentry's Request-ID; a fresh uuid by default. */
  requestId?: string;
  /** Send this signature instead of the right one (or no header at all with null). */
  signatureOverride?: string | null;
}

export function sentrySignature(clientSecret: string, body: string): string {
  return createHmac('sha256', clientSecret).update(body, 'utf8').digest('hex');
}

/** A webhook body addressed to an installation: the fixture with `installation.uuid` replaced. */
export function forInstallation<T extends Record<string, unknown>>(body: T, uuid: string, data?: Record<string, unknown>): T {
  return { ...body, installation: { uuid }, ...(data ? { data: { ...(body.data as object), ...data } } : {}) };
}

export async function sendSentryWebhook(url: string, resource: string, body: unknown, opts: SentrySendOptions): Promise<{ status: number; body: string }> {
  const raw = JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': opts.requestId ?? randomUUID(),
    'sentry-hook-resource': resource,
    'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
  };
  const signature = opts.signatureOverride === undefined ? sentrySignature(opts.clientSecret, raw) : opts.signatureOverride;
  if (signature !== null) headers['sentry-hook-signature'] = signature;
  const res = await request(url, { method: 'POST', headers, body: raw });
  return { status: res.statusCode, body: await res.body.text() };
}
