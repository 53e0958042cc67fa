import { describe, expect, it } from 'vitest';
import { defineIntegration, ProviderError, type ApiKeyAuth } from '../sdk/index.js';
import type { Credential } from '../storage/port.js';
import { credentialExtraFields } from './credentials.js';
import { apiKeyHeaders, basicUserFields, basicUserOf, tokenSetFrom } from './tokens.js';

const NOW = Date.UTC(2026, 11, 8, 12, 0, 0);

describe('tokenSetFrom', () => {
  it("reads expires_in as seconds from now, and keeps the previous refresh token when none is sent", () => {
    expect(tokenSetFrom({ access_token: 'a', expires_in: 3600 }, NOW, 'r0')).toEqual({ accessToken: 'a', refreshToken: 'r0', expiresAt: NOW + 3_600_000 });
    expect(tokenSetFrom({ access_token: 'a', expires_in: '60', refresh_token: 'r1' }, NOW)).toEqual({ accessToken: 'a', refreshToken: 'r1', expiresAt: NOW + 60_000 });
  });

  it('reads an absolute RFC 3339 expires_at when expires_in is absent (Square)', () => {
    expect(tokenSetFrom({ access_token: 'a', expires_at: '2027-01-07T12:00:00Z' }, NOW).expiresAt).toBe(Date.UTC(2027, 0, 7, 12, 0, 0));
    // expires_in wins; a past, malformed or non-date expires_at means "unknown", never "already expired".
    expect(tokenSetFrom({ access_token: 'a', expires_in: 10, expires_at: '2027-01-07T12:00:00Z' }, NOW).expiresAt).toBe(NOW + 10_000);
    for (const expires_at of ['2020-01-01T00:00:00Z', 'soon', '1767225600', 1767225600]) {
      expect(tokenSetFrom({ access_token: 'a', expires_at }, NOW)).toEqual({ accessToken: 'a' });
    }
  });

  it('refuses an answer without an access token', () => {
    expect(() => tokenSetFrom({ token_type: 'bearer' }, NOW)).toThrow(ProviderError);
  });
});

describe('API keys as HTTP Basic password (basicUser)', () => {
  const cred = (apiKey: string, extra?: Record<string, unknown>) => ({ secrets: { apiKey, ...(extra ? { extra } : {}) } }) as unknown as Credential;
  const decoded = (h: Record<string, string>) => Buffer.from(h.authorization!.replace(/^Basic /, ''), 'base64').toString();

  it("fills the user name from the credential's extra and sends the key as password", () => {
    const zendesk: ApiKeyAuth = { kind: 'apiKey', header: 'authorization', basicUser: '{email}/token' };
    expect(decoded(apiKeyHeaders(zendesk, cred('tok-123', { email: ' agent@acme.example ' })))).toBe('agent@acme.example/token:tok-123');
    const ado: ApiKeyAuth = { kind: 'apiKey', header: 'authorization', basicUser: '' };
    expect(apiKeyHeaders(ado, cred('pat-xyz'))).toEqual({ authorization: `Basic ${Buffer.from(':pat-xyz').toString('base64')}` });
  });

  it('keeps the other ways a key is sent', () => {
    expect(decoded(apiKeyHeaders({ kind: 'apiKey', header: 'authorization', basicPassword: 'X' }, cred('k')))).toBe('k:X');
    expect(apiKeyHeaders({ kind: 'apiKey', header: 'x-api-key', prefix: 'Key ' }, cred('k'))).toEqual({ 'x-api-key': 'Key k' });
  });

  it('names the placeholders, and refuses a missing, empty or colon-holding field without echoing it', () => {
    expect(basicUserFields({ kind: 'apiKey', header: 'authorization', basicUser: '{email}/token' })).toEqual(['email']);
    expect(basicUserFields({ kind: 'apiKey', header: 'authorization', basicUser: '' })).toEqual([]);
    expect(basicUserFields({ kind: 'apiKey', header: 'authorization' })).toEqual([]);
    for (const extra of [undefined, {}, { email: '' }, { email: 42 }, { email: 'a:b@acme.example' }, { email: 'a\nb' }]) {
      let err: unknown;
      try {
        basicUserOf('{email}/token', extra);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as Error).message).toMatch(/^extra\.email: required/);
      expect((err as Error).message).not.toContain('a:b');
    }
  });

  it('lists the fields for the dashboard form, after the account parameters', () => {
    const integration = defineIntegration({
      key: 'basicdemo', name: 'Basic demo', apiBaseUrl: 'https://{subdomain}.example.com', triggers: [],
      auth: { kind: 'oauth2', authorizationUrl: 'https://{subdomain}.example.com/a', tokenUrl: 'https://{subdomain}.example.com/t', scopes: [], pkce: false },
      alternativeAuth: { kind: 'apiKey', header: 'authorization', basicUser: '{email}/token' },
      accountParameters: [{ name: 'subdomain', description: 'the subdomain' }],
    });
    expect(credentialExtraFields(integration).map((f) => f.name)).toEqual(['subdomain', 'email']);
  });
});
