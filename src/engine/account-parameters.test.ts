import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { defineIntegration, ProviderError } from '../sdk/index.js';
import { accountValuesFromInput, accountValuesOf, fillAccountTemplate, templatesInEffect } from './account-parameters.js';

const store = defineIntegration({
  key: 'store',
  name: 'Store',
  auth: { kind: 'oauth2', authorizationUrl: 'https://{shop}.store.example/oauth/authorize', tokenUrl: 'https://{shop}.store.example/oauth/token', scopes: ['read'], pkce: false },
  accountParameters: [{ name: 'shop', description: 'the store name', acceptSuffix: '.store.example' }],
  apiBaseUrl: 'https://{shop}.store.example/api',
  triggers: [],
});
const templates = templatesInEffect(store, null);
const input = (value: unknown, strict = true) => accountValuesFromInput(store, { shop: value }, { field: 'parameters', strict, templates });

describe('account parameters', () => {
  it('take one DNS label, lower-cased, with the declared suffix accepted', () => {
    expect(input('Acme-1')).toEqual({ shop: 'acme-1' });
    expect(input(' acme.STORE.example ')).toEqual({ shop: 'acme' });
    expect(input('a'.repeat(63))).toEqual({ shop: 'a'.repeat(63) });
  });

  it('refuse anything that could name another host, port, path or scheme, naming the field', () => {
    for (const bad of ['evil.com', 'acme.store.example.evil.com', 'a/b', 'a:80', 'a@b', '-a', 'a-', 'a'.repeat(64), 'https://x', '127.0.0.1', 'a b', 42, ['a']]) {
      expect(() => input(bad), String(bad)).toThrow(AppError);
      expect(() => input(bad)).toThrow(/^parameters\.shop: must be a single host name label/);
    }
  });

  it('are required where a template in effect uses them, optional where the project fixed the host', () => {
    expect(() => accountValuesFromInput(store, {}, { field: 'parameters', strict: true, templates })).toThrow(/parameters\.shop: required by store: the store name/);
    const fixed = templatesInEffect(store, {
      projectId: 'p', integration: 'store', enabled: true, clientId: 'c', clientSecret: 's', webhookSecret: null, scopes: null,
      apiBaseUrl: 'https://one.example/api', authorizationUrl: 'https://one.example/authorize', tokenUrl: 'https://one.example/token', createdAt: 0, updatedAt: 0,
    });
    expect(accountValuesFromInput(store, {}, { field: 'parameters', strict: true, templates: fixed })).toEqual({});
    expect(() => accountValuesFromInput(store, { shop: 'x/y' }, { field: 'parameters', strict: true, templates: fixed })).toThrow(AppError);
    // An API key reaches only the API: a project that fixed apiBaseUrl alone does not need the OAuth endpoints' host.
    const apiOnly = { projectId: 'p', integration: 'store', enabled: true, clientId: null, clientSecret: null, webhookSecret: null, scopes: null, apiBaseUrl: 'https://one.example/api', authorizationUrl: null, tokenUrl: null, createdAt: 0, updatedAt: 0 };
    expect(templatesInEffect(store, apiOnly, 'apiKey')).toEqual(['https://one.example/api']);
    expect(() => accountValuesFromInput(store, {}, { field: 'extra', strict: false, templates: templatesInEffect(store, apiOnly) })).toThrow(/extra\.shop: required/);
  });

  it('refuse unknown names only when strict (a credential extra holds other things)', () => {
    expect(() => accountValuesFromInput(store, { shop: 'a', region: 'eu' }, { field: 'parameters', strict: true, templates })).toThrow(/parameters\.region: not an account parameter \(store takes shop\)/);
    expect(accountValuesFromInput(store, { shop: 'a', region: 'eu' }, { field: 'extra', strict: false, templates })).toEqual({ shop: 'a' });
  });

  it("fill the declared placeholders from a credential's extra, and refuse a URL whose value is missing", () => {
    expect(fillAccountTemplate(store, store.apiBaseUrl, accountValuesOf(store, { shop: 'acme' }))).toBe('https://acme.store.example/api');
    expect(fillAccountTemplate(store, 'https://fixed.example/{other}', {})).toBe('https://fixed.example/{other}');
    // A stored value that is no longer a label (edited by hand, an older version) is as good as missing.
    expect(accountValuesOf(store, { shop: 'evil.com/x' })).toEqual({});
    const err = (() => {
      try {
        fillAccountTemplate(store, store.apiBaseUrl, accountValuesOf(store, {}));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'permanent', message: expect.stringContaining('has no shop') });
  });
});
