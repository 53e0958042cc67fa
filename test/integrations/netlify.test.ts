// Netlify, unit level: the X-Webhook-Signature scheme against an independently made JWS (HS256 over
// {"iss": "netlify", "sha256": hex SHA-256 of the body}) — a changed body, another secret or a missing claim is
// refused —, the triggers' mapping of Netlify's bodies (deploys keyed by id + state, submissions by id; other
// states, other sites and other forms give nothing), parameter validation, auth kinds, and the error mapping.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { netlifyError } from '../../src/integrations/netlify/api.js';
import { deployBuilding, deployCreated, deployFailed, deploySucceeded, formSubmission, otherFormSubmission, otherSiteDeploySucceeded } from '../../src/integrations/netlify/fixtures/events.js';
import { netlifyIntegration, netlifySignatureScheme } from '../../src/integrations/netlify/integration.js';
import { siteIdOf } from '../../src/integrations/netlify/webhooks.js';
import { schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const SITE = 'fa4dd95a-994e-4f89-8a7a-2d9e9fc36a32';
const trigger = (type: string) => netlifyIntegration.triggers.find((t) => t.type === type)!;
const source = (type: string) => trigger(type).source as WebhookSource<Record<string, unknown>>;
const inbound = (body: unknown): InboundRequest => {
  const raw = JSON.stringify(body);
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody: Buffer.from(raw), body: JSON.parse(raw) };
};
const items = (type: string, body: unknown, params: Record<string, unknown> = { siteId: SITE }) => source(type).toItems(inbound(body), { params, state: {} } as never) as Item[];

function jws(secret: string, claims: unknown, alg = 'HS256'): string {
  const input = `${Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

describe('Netlify signature scheme', () => {
  const secret = 'b8f1c0e2d9a74e3f8c6b5a4d3e2f1a0b';
  const raw = JSON.stringify(deploySucceeded);
  const sha = createHash('sha256').update(raw).digest('hex');
  const req = (token: string | undefined, body = raw): InboundRequest => ({ method: 'POST', url: '/', headers: token === undefined ? {} : { 'x-webhook-signature': token }, rawBody: Buffer.from(body), body: JSON.parse(body) });
  const now = Date.now();

  it('verifies a JWS of {iss, sha256 of the body} keyed with the hook secret', () => {
    expect(schemeProblems(netlifySignatureScheme)).toEqual([]);
    expect(verifyRequest(netlifySignatureScheme, req(jws(secret, { iss: 'netlify', sha256: sha })), { secret }, now)).toEqual({ ok: true });
  });
  it('refuses a changed body, another secret, a missing or wrong sha256 claim, alg none and a missing header', () => {
    const token = jws(secret, { iss: 'netlify', sha256: sha });
    expect(verifyRequest(netlifySignatureScheme, req(token, JSON.stringify({ ...deploySucceeded, state: 'error' })), { secret }, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(netlifySignatureScheme, req(token), { secret: 'another-secret' }, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(netlifySignatureScheme, req(jws(secret, { iss: 'netlify' })), { secret }, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(netlifySignatureScheme, req(jws(secret, { iss: 'netlify', sha256: '0'.repeat(64) })), { secret }, now)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyRequest(netlifySignatureScheme, req(jws(secret, { iss: 'netlify', sha256: sha }, 'none')), { secret }, now).ok).toBe(false);
    expect(verifyRequest(netlifySignatureScheme, req(undefined), { secret }, now)).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
});

describe('Netlify triggers', () => {
  it('key deploys by id and state, with updated_at as the time, and submissions by id', () => {
    expect(items('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', deploySucceeded)).toEqual([{ key: '5ebc34bf4fea0b01f02efa3a:ready', payload: deploySucceeded, occurredAt: Date.parse(deploySucceeded.updated_at) }]);
    expect(items('NETLIFY_TRIGGER_DEPLOY_CREATED', deployCreated).map((i) => i.key)).toEqual(['5ebc34bf4fea0b01f02efa3a:new']);
    expect(items('NETLIFY_TRIGGER_DEPLOY_BUILDING', deployBuilding).map((i) => i.key)).toEqual(['5ebc34bf4fea0b01f02efa3a:building']);
    expect(items('NETLIFY_TRIGGER_DEPLOY_FAILED', deployFailed).map((i) => i.key)).toEqual(['5ebc36a14fea0b01f02efb7c:error']);
    expect(items('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED', formSubmission)).toEqual([{ key: formSubmission.id, payload: formSubmission, occurredAt: Date.parse(formSubmission.created_at) }]);
  });
  it('ignore states a trigger does not report, bodies without id, other sites, and other forms when a form is set', () => {
    expect(items('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', deployFailed)).toEqual([]);
    expect(items('NETLIFY_TRIGGER_DEPLOY_FAILED', deploySucceeded)).toEqual([]);
    expect(items('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', { ...deploySucceeded, id: '' })).toEqual([]);
    expect(items('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', [])).toEqual([]);
    expect(items('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', otherSiteDeploySucceeded)).toEqual([]);
    // A site named by its domain cannot be compared with the body's site_id: Netlify's own scoping applies.
    expect(items('NETLIFY_TRIGGER_DEPLOY_SUCCEEDED', otherSiteDeploySucceeded, { siteId: 'www-acme.netlify.app' })).toHaveLength(1);
    const contact = { siteId: SITE, formId: formSubmission.form_id };
    expect(items('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED', formSubmission, contact)).toHaveLength(1);
    expect(items('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED', otherFormSubmission, contact)).toEqual([]);
    expect(items('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED', otherFormSubmission)).toHaveLength(1);
  });
  it('declare a required siteId everywhere and an optional formId on submissions, validated with a message', () => {
    for (const t of netlifyIntegration.triggers) {
      expect(t.parameters.map((p) => [p.id, p.required])).toEqual(t.type === 'NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED' ? [['siteId', true], ['formId', false]] : [['siteId', true]]);
    }
    const [site, form] = trigger('NETLIFY_TRIGGER_FORM_SUBMISSION_CREATED').parameters;
    expect(site!.validate!(SITE)).toBeNull();
    expect(site!.validate!('www-acme.netlify.app')).toBeNull();
    expect(site!.validate!('../hooks')).toMatch(/site id/);
    expect(form!.validate!('5f85a8c2d1e4f60008c9d0e1')).toBeNull();
    expect(form!.validate!('a/b')).toMatch(/form id/);
    expect(() => siteIdOf({})).toThrow(/^siteId:/);
  });
  it('takes OAuth tokens (no scopes) and personal access tokens, both as Bearer', () => {
    expect(netlifyIntegration.auth).toMatchObject({ kind: 'oauth2', authorizationUrl: 'https://app.netlify.com/authorize', tokenUrl: 'https://api.netlify.com/oauth/token', scopes: [] });
    expect(netlifyIntegration.alternativeAuth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'Bearer ' });
  });
});

describe('netlifyError', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body, headers });
  const now = 1_700_000_000_000;
  it('classifies statuses and keeps Netlify\'s message', () => {
    expect(netlifyError(res(401, { code: 401, message: 'Access Denied: Invalid token' }), now)).toMatchObject({ kind: 'auth', message: 'Netlify 401 Access Denied: Invalid token' });
    expect(netlifyError(res(429, { code: 429, message: 'Rate limit exceeded' }, { 'retry-after': '7' }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(netlifyError(res(429, {}, { 'x-ratelimit-reset': String(now / 1000 + 12) }), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_000 });
    expect(netlifyError(res(429, {}), now)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    expect(netlifyError(res(503, null), now)).toMatchObject({ kind: 'transient', status: 503 });
    expect(netlifyError(res(404, { code: 404, message: 'Not Found' }), now)).toMatchObject({ kind: 'permanent', message: 'Netlify 404 Not Found' });
    expect(netlifyError(res(422, { code: 422, message: 'Validation failed' }), now)).toMatchObject({ kind: 'permanent', status: 422 });
  });
});
