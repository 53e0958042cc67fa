// Sentry, source level: the documented signature (hex HMAC-SHA256 of the body with the Client Secret, as the
// fake Sentry computes it with node:crypto), parsing of webhook requests into installation-addressed events,
// and each trigger's match: its resource and action only, its parameters, and keys stable across a resend.
import { describe, expect, it } from 'vitest';
import { sentryIntegration } from '../../src/integrations/sentry/integration.js';
import { parseSentryRequest, sentrySignature } from '../../src/integrations/sentry/webhook.js';
import assignedFixture from '../../src/integrations/sentry/fixtures/issue-assigned.json' with { type: 'json' };
import createdFixture from '../../src/integrations/sentry/fixtures/issue-created.json' with { type: 'json' };
import resolvedFixture from '../../src/integrations/sentry/fixtures/issue-resolved.json' with { type: 'json' };
import eventAlertFixture from '../../src/integrations/sentry/fixtures/event-alert-triggered.json' with { type: 'json' };
import metricFixture from '../../src/integrations/sentry/fixtures/metric-alert-critical.json' with { type: 'json' };
import { validateParameters } from '../../src/engine/parameters.js';
import { verifyRequest, type AppEvent, type AppWebhookSource, type InboundRequest } from '../../src/sdk/index.js';
import { sentrySignature as fakeSignature } from '../providers/sentry.js';

const SECRET = 'b3f28d64c7de4c54adb5a8e5d37a696c';
const UUID = 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de';

function req(resource: string | undefined, body: unknown, headers: Record<string, string> = {}): InboundRequest {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  let parsed: unknown;
  try { parsed = JSON.parse(raw); } catch { parsed = undefined; }
  return {
    method: 'POST', url: '/hooks/app/p/sentry', rawBody: Buffer.from(raw),
    headers: { 'content-type': 'application/json', ...(resource ? { 'sentry-hook-resource': resource } : {}), 'request-id': 'req-1', ...headers },
    body: parsed,
  };
}

const trigger = (type: string) => {
  const t = sentryIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(type);
  return { def: t, source: t.source as AppWebhookSource<Record<string, unknown>> };
};
const eventOf = (resource: string, body: unknown, headers?: Record<string, string>): AppEvent => {
  const [e] = parseSentryRequest(req(resource, body, headers));
  if (!e) throw new Error('no event');
  return e;
};

describe('Sentry signature', () => {
  it('accepts the hex HMAC-SHA256 of the raw body keyed with the client secret, and nothing else', () => {
    const raw = JSON.stringify(createdFixture);
    const good = req('issue', raw, { 'sentry-hook-signature': fakeSignature(SECRET, raw) });
    expect(verifyRequest(sentrySignature, good, { secret: SECRET }, Date.now())).toEqual({ ok: true });
    expect(verifyRequest(sentrySignature, good, { secret: 'other-secret' }, Date.now())).toMatchObject({ ok: false, reason: 'bad_signature' });
    const tampered = { ...good, rawBody: Buffer.from(raw.replace('front-end', 'back-end')) };
    expect(verifyRequest(sentrySignature, tampered, { secret: SECRET }, Date.now()).ok).toBe(false);
    expect(verifyRequest(sentrySignature, req('issue', raw), { secret: SECRET }, Date.now())).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
});

describe('parseSentryRequest', () => {
  it('addresses the event to installation.uuid, typed resource.action, with Request-ID as delivery id', () => {
    expect(parseSentryRequest(req('issue', createdFixture))).toEqual([
      { providerAccountId: UUID, deliveryId: 'req-1', eventType: 'issue.created', event: { resource: 'issue', action: 'created', body: createdFixture } },
    ]);
  });

  it('falls back to a digest of the body when Request-ID is missing: the same body gives the same id', () => {
    const a = parseSentryRequest(req('issue', createdFixture, { 'request-id': '' }))[0]!;
    const b = parseSentryRequest(req('issue', createdFixture, { 'request-id': '' }))[0]!;
    expect(a.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.deliveryId).toBe(b.deliveryId);
  });

  it('drops requests nobody can be addressed by: no resource header, no installation uuid, no action, not JSON', () => {
    expect(parseSentryRequest(req(undefined, createdFixture))).toEqual([]);
    expect(parseSentryRequest(req('issue', { ...createdFixture, installation: {} }))).toEqual([]);
    expect(parseSentryRequest(req('issue', { ...createdFixture, installation: { uuid: 'not-a-uuid' } }))).toEqual([]);
    expect(parseSentryRequest(req('issue', { ...createdFixture, action: undefined }))).toEqual([]);
    expect(parseSentryRequest(req('issue', 'not json'))).toEqual([]);
  });
});

describe('Sentry triggers', () => {
  const fixtures: Record<string, [string, unknown]> = {
    SENTRY_TRIGGER_ISSUE_CREATED: ['issue', createdFixture],
    SENTRY_TRIGGER_ISSUE_RESOLVED: ['issue', resolvedFixture],
    SENTRY_TRIGGER_ISSUE_ASSIGNED: ['issue', assignedFixture],
    SENTRY_TRIGGER_EVENT_ALERT_TRIGGERED: ['event_alert', eventAlertFixture],
    SENTRY_TRIGGER_METRIC_ALERT: ['metric_alert', metricFixture],
  };

  it('each trigger matches its own example and no other trigger\'s', () => {
    for (const t of sentryIntegration.triggers) {
      const source = t.source as AppWebhookSource<Record<string, unknown>>;
      const params = validateParameters(t.parameters, {});
      for (const [type, [resource, body]] of Object.entries(fixtures)) {
        const items = source.match(eventOf(resource, body), params);
        expect(items.length, `${t.type} on ${type}`).toBe(type === t.type ? 1 : 0);
        if (type === t.type) expect(items[0]!.payload).toEqual(t.examplePayload);
      }
    }
  });

  it('issue created is keyed by the issue id: a resend with a new Request-ID is the same event', () => {
    const { source } = trigger('SENTRY_TRIGGER_ISSUE_CREATED');
    const a = source.match(eventOf('issue', createdFixture, { 'request-id': 'r1' }), {});
    const b = source.match(eventOf('issue', createdFixture, { 'request-id': 'r2' }), {});
    expect(a[0]!.key).toBe('issue:1170820242');
    expect(b[0]!.key).toBe(a[0]!.key);
  });

  it('a second resolution of the same issue (another webhook) is another event; the same webhook is not', () => {
    const { source } = trigger('SENTRY_TRIGGER_ISSUE_RESOLVED');
    const a = source.match(eventOf('issue', resolvedFixture, { 'request-id': 'r1' }), {})[0]!.key;
    expect(source.match(eventOf('issue', resolvedFixture, { 'request-id': 'r1' }), {})[0]!.key).toBe(a);
    expect(source.match(eventOf('issue', resolvedFixture, { 'request-id': 'r2' }), {})[0]!.key).not.toBe(a);
  });

  it('projectSlug keeps only that project\'s issues and must be a slug', () => {
    const { def, source } = trigger('SENTRY_TRIGGER_ISSUE_CREATED');
    expect(source.match(eventOf('issue', createdFixture), validateParameters(def.parameters, { projectSlug: 'front-end' }))).toHaveLength(1);
    expect(source.match(eventOf('issue', createdFixture), validateParameters(def.parameters, { projectSlug: 'back-end' }))).toHaveLength(0);
    expect(() => validateParameters(def.parameters, { projectSlug: 'Front End!' })).toThrow(/parameters\.projectSlug: must be a Sentry project slug/);
  });

  it('metric alert: severity defaults to critical, selects one state, and refuses an unknown one', () => {
    const { def, source } = trigger('SENTRY_TRIGGER_METRIC_ALERT');
    const warning = eventOf('metric_alert', { ...metricFixture, action: 'warning' });
    expect(source.match(eventOf('metric_alert', metricFixture), validateParameters(def.parameters, {}))).toHaveLength(1);
    expect(source.match(warning, validateParameters(def.parameters, {}))).toHaveLength(0);
    expect(source.match(warning, validateParameters(def.parameters, { severity: 'warning' }))).toHaveLength(1);
    expect(() => validateParameters(def.parameters, { severity: 'fatal' })).toThrow(/parameters\.severity: must be one of: critical, warning, resolved/);
  });

  it('event alert: one event firing one rule is one occurrence', () => {
    const { source } = trigger('SENTRY_TRIGGER_EVENT_ALERT_TRIGGERED');
    const a = source.match(eventOf('event_alert', eventAlertFixture, { 'request-id': 'r1' }), {})[0]!.key;
    const b = source.match(eventOf('event_alert', eventAlertFixture, { 'request-id': 'r2' }), {})[0]!.key;
    expect(a).toBe('event:e4874d664c3540c1a32eab185f12c5ab:rule:Send a notification for new issues');
    expect(b).toBe(a);
  });

  it('bodies without the id a key needs give no item rather than a colliding key', () => {
    const { source } = trigger('SENTRY_TRIGGER_ISSUE_CREATED');
    expect(source.match(eventOf('issue', { ...createdFixture, data: { issue: { title: 'no id' } } }), {})).toEqual([]);
    expect(trigger('SENTRY_TRIGGER_METRIC_ALERT').source.match(eventOf('metric_alert', { ...metricFixture, data: {} }), { severity: 'critical' })).toEqual([]);
  });
});
