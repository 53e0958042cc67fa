// Contentful, unit level: the secret-header scheme (our header, constant-time compare, refused when missing or
// wrong), the triggers' keys from Contentful's example bodies (entity, action and published version or deletion
// time; the same on a retry), topic checks, filters, parameters, and the CMA error mapping.
import { describe, expect, it } from 'vitest';
import { contentfulError } from '../../src/integrations/contentful/api.js';
import { assetPublished, entryCreated, entryDeleted, entryPublished, entryUnpublished } from '../../src/integrations/contentful/fixtures/events.js';
import { CONTENTFUL_SECRET_SCHEME, contentfulIntegration } from '../../src/integrations/contentful/integration.js';
import { filtersFor } from '../../src/integrations/contentful/webhooks.js';
import { ProviderError, schemeProblems, verifyRequest, type InboundRequest, type Item, type WebhookSource } from '../../src/sdk/index.js';

const source = (type: string) => contentfulIntegration.triggers.find((t) => t.type === type)!.source as WebhookSource;
const inbound = (topic: string | undefined, body: unknown, headers: Record<string, string> = {}): InboundRequest => {
  const raw = JSON.stringify(body);
  return {
    method: 'POST', url: '/hooks/s/x', rawBody: Buffer.from(raw), body: undefined,
    headers: { 'content-type': 'application/vnd.contentful.management.v1+json', ...(topic ? { 'x-contentful-topic': `ContentManagement.${topic}` } : {}), ...headers },
  };
};
const items = (type: string, topic: string | undefined, body: unknown) => source(type).toItems(inbound(topic, body), {} as never) as Item[];

describe('Contentful secret header', () => {
  it('accepts the subscription secret in X-OpenTriggers-Secret and refuses another value, a missing header and a prefix', () => {
    expect(schemeProblems(CONTENTFUL_SECRET_SCHEME)).toEqual([]);
    const secret = 'sub-secret-0123456789abcdef';
    const ok = verifyRequest(CONTENTFUL_SECRET_SCHEME, inbound('Entry.publish', entryPublished, { 'x-opentriggers-secret': secret }), { secret }, Date.now());
    expect(ok).toEqual({ ok: true });
    expect(verifyRequest(CONTENTFUL_SECRET_SCHEME, inbound('Entry.publish', entryPublished, { 'x-opentriggers-secret': 'other' }), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(CONTENTFUL_SECRET_SCHEME, inbound('Entry.publish', entryPublished, { 'x-opentriggers-secret': secret.slice(0, 10) }), { secret }, Date.now()).ok).toBe(false);
    expect(verifyRequest(CONTENTFUL_SECRET_SCHEME, inbound('Entry.publish', entryPublished), { secret }, Date.now()).ok).toBe(false);
  });
});

describe('Contentful triggers', () => {
  it('are the five entry and asset triggers', () => {
    expect(contentfulIntegration.triggers.map((t) => t.type)).toEqual([
      'CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'CONTENTFUL_TRIGGER_ENTRY_UNPUBLISHED', 'CONTENTFUL_TRIGGER_ENTRY_CREATED',
      'CONTENTFUL_TRIGGER_ENTRY_DELETED', 'CONTENTFUL_TRIGGER_ASSET_PUBLISHED',
    ]);
  });
  it('key each body by environment, id, action and version or deletion time, read from the raw bytes of the CMA media type', () => {
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'Entry.publish', entryPublished)).toEqual([
      { key: 'master/5KsDBWseXY6QegucYAoacS:publish:1', payload: entryPublished, occurredAt: Date.parse('2015-05-18T11:31:12.412Z') },
    ]);
    const republished = { ...entryPublished, sys: { ...entryPublished.sys, version: 4, publishedVersion: 3 } };
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'Entry.publish', republished)[0]!.key).toBe('master/5KsDBWseXY6QegucYAoacS:publish:3');
    const staging = { ...entryPublished, sys: { ...entryPublished.sys, environment: { sys: { id: 'staging', type: 'Link', linkType: 'Environment' } } } };
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'Entry.publish', staging)[0]!.key).toBe('staging/5KsDBWseXY6QegucYAoacS:publish:1');
    expect(items('CONTENTFUL_TRIGGER_ENTRY_UNPUBLISHED', 'Entry.unpublish', entryUnpublished).map((i) => i.key)).toEqual(['master/5KsDBWseXY6QegucYAoacS:unpublish:2015-05-18T12:02:40.173Z']);
    expect(items('CONTENTFUL_TRIGGER_ENTRY_CREATED', 'Entry.create', entryCreated).map((i) => i.key)).toEqual(['master/5KsDBWseXY6QegucYAoacS:create']);
    expect(items('CONTENTFUL_TRIGGER_ENTRY_DELETED', 'Entry.delete', entryDeleted).map((i) => i.key)).toEqual(['master/5KsDBWseXY6QegucYAoacS:delete:2015-05-18T12:05:03.921Z']);
    expect(items('CONTENTFUL_TRIGGER_ASSET_PUBLISHED', 'Asset.publish', assetPublished).map((i) => i.key)).toEqual(['master/1uTbBUDZvcgqj8rZIWoktM:publish:2']);
  });
  it('ignore another topic, a missing topic header, a body without sys.id and non-objects', () => {
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'Entry.unpublish', entryPublished)).toEqual([]);
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'Asset.publish', entryPublished)).toEqual([]);
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', undefined, entryPublished)).toEqual([]);
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'Entry.publish', { sys: { type: 'Entry' } })).toEqual([]);
    expect(items('CONTENTFUL_TRIGGER_ENTRY_PUBLISHED', 'Entry.publish', [])).toEqual([]);
  });
});

describe('Contentful parameters and filters', () => {
  const params = contentfulIntegration.triggers[0]!.parameters;
  const check = (id: string, v: unknown) => params.find((p) => p.id === id)!.validate!(v);
  it('accept resource ids and refuse paths, spaces and overlong ids', () => {
    expect([check('spaceId', 'yadj1kx9rmg0'), check('environmentId', 'master'), check('contentTypeId', 'blog_post.v2')]).toEqual([null, null, null]);
    for (const bad of ['../users/me', 'a b', 'x'.repeat(65), '', 7]) expect(check('spaceId', bad)).toMatch(/space id/);
    expect(params.map((p) => [p.id, p.required])).toEqual([['spaceId', true], ['environmentId', false], ['contentTypeId', false]]);
    expect(contentfulIntegration.triggers.at(-1)!.parameters.map((p) => p.id)).toEqual(['spaceId', 'environmentId']);
  });
  it('filter by environment and, for entries only, by content type', () => {
    expect(filtersFor('Entry', { spaceId: 's' })).toEqual([]);
    expect(filtersFor('Entry', { spaceId: 's', environmentId: ' master ', contentTypeId: 'blogPost' })).toEqual([
      { equals: [{ doc: 'sys.environment.sys.id' }, 'master'] },
      { equals: [{ doc: 'sys.contentType.sys.id' }, 'blogPost'] },
    ]);
    expect(filtersFor('Asset', { spaceId: 's', contentTypeId: 'blogPost' })).toEqual([]);
  });
});

describe('Contentful errors', () => {
  const res = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });
  it('keep the CMA message and error id, classify by status, and wait for X-Contentful-RateLimit-Reset on 429', () => {
    const e401 = contentfulError('x', res(401, { sys: { type: 'Error', id: 'AccessTokenInvalid' }, message: 'The access token you sent could not be found or is invalid.' }));
    expect([e401.kind, e401.message]).toEqual(['auth', 'Contentful 401 x: The access token you sent could not be found or is invalid. (AccessTokenInvalid)']);
    const e429 = contentfulError('x', res(429, { sys: { type: 'Error', id: 'RateLimitExceeded' }, message: 'You have exceeded the rate limit' }, { 'x-contentful-ratelimit-reset': '7' }), 0);
    expect([e429.kind, e429.retryAfterMs]).toEqual(['rate_limited', 7000]);
    expect(contentfulError('x', res(429, null)).retryAfterMs).toBe(1000);
    expect(contentfulError('x', res(503, 'upstream')).kind).toBe('transient');
    const e422 = contentfulError('x', res(422, { sys: { type: 'Error', id: 'ValidationFailed' }, message: 'Validation error' }));
    expect(e422).toBeInstanceOf(ProviderError);
    expect([e422.kind, e422.status]).toEqual(['permanent', 422]);
    expect(contentfulError('x', res(404, { sys: { type: 'Error', id: 'NotFound' } })).message).toBe('Contentful 404 x: NotFound');
  });
});
