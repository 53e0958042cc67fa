// API keys sent as the HTTP Basic password with a user name made from the credential's `extra` (`basicUser`), end to
// end on SQLite and PostgreSQL: Zendesk-style `{email}/token` (beside OAuth) and Azure DevOps-style empty user name.
// A key credential without the named `extra` field is refused with 400 naming it, nothing stored; an OAuth token of
// the same integration does not need it; the provider sees exactly `Basic base64(user:key)`; a refused key marks the
// credential INVALID without a refresh, and neither the key nor the header shows in answers or subscription logs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialExtraFields } from '../../src/engine/credentials.js';
import { defineIntegration, defineTrigger, type IntegrationDefinition } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { DIALECTS } from '../helpers/databases.js';
import { startIntegrationWorld, subscriptionOf, type IntegrationWorld } from '../helpers/integration-world.js';

const itemCreated = (prefix: string) =>
  defineTrigger<Record<string, never>>({
    type: `${prefix}_TRIGGER_ITEM_CREATED`,
    title: 'New item',
    description: 'Fires when an item is created (polling).',
    parameters: [],
    examplePayload: { id: 'i1' },
    source: {
      kind: 'poll',
      async poll(ctx) {
        const res: { items: Array<{ id: string }> } = await ctx.http.get('/items');
        return { items: res.items.map((i) => ({ key: i.id, payload: i })), cursor: res.items.length };
      },
    },
  });

const emailTokenDemo = defineIntegration({
  key: 'emailtokendemo',
  name: 'Email/token demo',
  auth: { kind: 'oauth2', authorizationUrl: 'https://auth.demo.example/authorize', tokenUrl: 'https://auth.demo.example/token', scopes: ['read'], pkce: false },
  alternativeAuth: { kind: 'apiKey', header: 'authorization', basicUser: '{email}/token' },
  apiBaseUrl: 'https://api.demo.example',
  triggers: [itemCreated('EMAILTOKENDEMO')],
});

const patDemo = defineIntegration({
  key: 'patdemo',
  name: 'PAT demo',
  auth: { kind: 'apiKey', header: 'authorization', basicUser: '' },
  apiBaseUrl: 'https://api.demo.example',
  triggers: [itemCreated('PATDEMO')],
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Accepts exactly the given Authorization values; records every one it sees. */
async function startProvider(accepted: string[]) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    if (!accepted.includes(auth)) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"Couldn\'t authenticate you"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe.each(DIALECTS)('API keys as HTTP Basic password on %s', (dialect) => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let w: IntegrationWorld;

  const start = async (integration: IntegrationDefinition) => {
    provider = await startProvider([basic('agent@acme.example/token', 'good-token'), basic('', 'good-pat'), 'Bearer good-oauth']);
    w = await startIntegrationWorld({
      dialect, integration, now: new TestClock(Date.now()).now,
      config: { apiBaseUrl: provider.url, clientId: 'c', clientSecret: 's' },
    });
  };
  const credential = (integration: string, body: Record<string, unknown>) => w.user.post(`${w.base}/credentials`, { integration, ...body });
  const subscribeWith = (type: string, credentialId: string) => w.subscribe(type, {}, { 'x-paragon-credential': credentialId });
  const credentials = async () => (await w.user.get(`${w.base}/credentials`)).body.credentials as Array<{ id: string; status: string }>;

  afterEach(async () => {
    await w.close();
    await provider.close();
  });

  describe('{email}/token beside OAuth', () => {
    beforeEach(() => start(emailTokenDemo));
    const TYPE = 'EMAILTOKENDEMO_TRIGGER_ITEM_CREATED';

    it('refuses a key without extra.email (400 naming it, nothing stored); an OAuth token needs none', async () => {
      for (const extra of [undefined, {}, { email: '' }, { email: 'a:b@acme.example' }]) {
        const r = await credential('emailtokendemo', { apiKey: 'good-token', ...(extra ? { extra } : {}) });
        expect(r.status, r.text).toBe(400);
        expect(r.body.message).toMatch(/^extra\.email: required/);
        expect(r.text).not.toContain('good-token');
      }
      expect(await credentials()).toEqual([]);
      const oauth = await credential('emailtokendemo', { accessToken: 'good-oauth' });
      expect(oauth.status, oauth.text).toBe(201);
      expect(subscriptionOf(await subscribeWith(TYPE, oauth.body.id)).status).toBe('ACTIVE');
      expect(provider.seen.at(-1)).toBe('Bearer good-oauth');
    });

    it('sends Basic base64("{email}/token:{key}"), and a refused key is never refreshed nor shown', async () => {
      const key = await credential('emailtokendemo', { apiKey: 'good-token', extra: { email: 'agent@acme.example' } });
      expect(key.status, key.text).toBe(201);
      expect(subscriptionOf(await subscribeWith(TYPE, key.body.id)).status).toBe('ACTIVE');
      expect(provider.seen.at(-1)).toBe(basic('agent@acme.example/token', 'good-token'));

      const bad = await credential('emailtokendemo', { apiKey: 'revoked-token', extra: { email: 'agent@acme.example' } });
      const before = provider.seen.length;
      const r = await subscribeWith(TYPE, bad.body.id);
      expect(r.status).not.toBe(200);
      expect(provider.seen.slice(before)).toEqual([basic('agent@acme.example/token', 'revoked-token')]);
      const listed = await credentials();
      expect(listed.find((c) => c.id === bad.body.id)?.status).toBe('INVALID');
      expect(listed.find((c) => c.id === key.body.id)?.status).toBe('VALID');
      const everything = JSON.stringify([r.body, listed]);
      expect(everything).not.toContain('revoked-token');
      expect(everything).not.toContain(basic('agent@acme.example/token', 'revoked-token').slice(6));
    });

    it('lists extra.email for the dashboard form', async () => {
      const catalog = await w.t.svc.subscriptions.catalogFor(w.project.id);
      expect(credentialExtraFields(catalog.integration('emailtokendemo')!).map((f) => f.name)).toEqual(['email']);
    });
  });

  describe('empty user name (personal access tokens)', () => {
    beforeEach(() => start(patDemo));

    it('sends Basic base64(":{key}") and needs no extra', async () => {
      const pat = await credential('patdemo', { apiKey: 'good-pat' });
      expect(pat.status, pat.text).toBe(201);
      expect(subscriptionOf(await subscribeWith('PATDEMO_TRIGGER_ITEM_CREATED', pat.body.id)).status).toBe('ACTIVE');
      expect(provider.seen).toEqual([basic('', 'good-pat')]);
    });
  });
});
