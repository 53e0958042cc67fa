import { describe, expect, it } from 'vitest';
import { activeCampaignError } from '../../src/integrations/activecampaign/api.js';
import { parseActiveCampaignForm } from '../../src/integrations/activecampaign/form.js';
import { activeCampaignIntegration } from '../../src/integrations/activecampaign/integration.js';
import { keyOf, listIdParameter, stageIdParameter, tagParameter, updatedFields } from '../../src/integrations/activecampaign/webhooks.js';
import dealUpdate from '../../src/integrations/activecampaign/fixtures/deal-update-stage.json' with { type: 'json' };
import subscribe from '../../src/integrations/activecampaign/fixtures/subscribe.json' with { type: 'json' };
import { encodeAcForm } from '../providers/activecampaign.js';
import { hookUrlWithToken } from '../../src/sdk/index.js';

describe('ActiveCampaign webhook bodies', () => {
  it('parses bracketed form keys into nested objects, dropping unsafe or malformed keys', () => {
    expect(parseActiveCampaignForm(encodeAcForm(dealUpdate))).toEqual(dealUpdate);
    expect(parseActiveCampaignForm('a[b]=1&__proto__[x]=1&c[constructor]=2&d[=3&e[]=4&f=5')).toEqual({ a: { b: '1' }, f: '5' });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('keys events by type, object and time; deals created by id; null when incomplete', () => {
    expect(keyOf(subscribe)).toBe('subscribe:3:119:2026-03-02T10:15:42-06:00');
    expect(keyOf({ ...subscribe, date_time: undefined })).toBeNull();
    expect(keyOf({ type: 'deal_add', date_time: 'x', deal: { id: '41' } })).toBe('deal_add:41');
    expect(keyOf(dealUpdate)).toBe('deal_stage:41:2:2026-03-03T09:03:08-06:00');
    expect(keyOf({ type: 'contact_tag_added', date_time: 't', contact: { id: '1' }, tag: 'VIP' })).toBe('contact_tag_added:1:vip:t');
    expect(keyOf({ type: 'open', date_time: 't', contact: { id: '1' } })).toBeNull();
    expect(updatedFields(dealUpdate)).toEqual(['stage']);
    expect(updatedFields({})).toEqual([]);
  });

  it('puts the secret in the registered URL query', () => {
    expect(hookUrlWithToken('https://ot.example/hooks/s/abc', 's3cr3t')).toBe('https://ot.example/hooks/s/abc?token=s3cr3t');
  });
});

describe('ActiveCampaign parameters and errors', () => {
  it('names the field of bad input', () => {
    expect(listIdParameter.validate!('3')).toBeNull();
    expect(listIdParameter.validate!(undefined)).toBeNull();
    expect(listIdParameter.validate!('3; drop')).toContain('listId');
    expect(stageIdParameter.validate!(2)).toContain('stageId');
    expect(tagParameter.validate!('VIP')).toBeNull();
    expect(tagParameter.validate!('   ')).toContain('tag');
  });

  it("keeps ActiveCampaign's message and classifies the status", () => {
    const e = activeCampaignError({ status: 422, headers: {}, body: { errors: [{ title: 'List does not exist' }] } }, 0);
    expect([e.kind, e.message]).toEqual(['permanent', 'ActiveCampaign 422: List does not exist']);
    expect(activeCampaignError({ status: 429, headers: { 'retry-after': '3' }, body: {} }, 0)).toMatchObject({ kind: 'rate_limited', retryAfterMs: 3000 });
    expect(activeCampaignError({ status: 404, headers: {}, body: { message: 'No Result found for Webhook with id 1' } }, 0).message).toContain('No Result found');
  });

  it('declares the account host and the Api-Token header', () => {
    expect(activeCampaignIntegration.apiBaseUrl).toBe('https://{account}.api-us1.com');
    expect(activeCampaignIntegration.auth).toEqual({ kind: 'apiKey', header: 'api-token' });
    expect(activeCampaignIntegration.accountParameters?.[0]).toMatchObject({ name: 'account', acceptSuffix: '.activehosted.com' });
  });
});
