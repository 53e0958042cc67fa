// Trello triggers at the source level: webhook creation (after Trello's HEAD check), deletion and the hourly
// read against the fake Trello over real HTTP; the X-Trello-Webhook scheme against the documented computation;
// the action filters and keys; parameter validation; error mapping.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import cardArchived from '../../src/integrations/trello/fixtures/card-archived.json' with { type: 'json' };
import cardMoved from '../../src/integrations/trello/fixtures/card-moved.json' with { type: 'json' };
import checkItemCompleted from '../../src/integrations/trello/fixtures/check-item-completed.json' with { type: 'json' };
import commentCard from '../../src/integrations/trello/fixtures/comment-card.json' with { type: 'json' };
import createCard from '../../src/integrations/trello/fixtures/create-card.json' with { type: 'json' };
import { trelloIntegration } from '../../src/integrations/trello/integration.js';
import { TRELLO_SIGNATURE } from '../../src/integrations/trello/webhooks.js';
import { ProviderError, signRequest, verifyRequest, type HttpClient, type InboundRequest, type WebhookSource } from '../../src/sdk/index.js';
import { startFakeTrello, trelloSignature, type FakeTrello } from '../providers/trello.js';

const silent = { debug() {}, info() {}, warn() {} };
const BOARD = '5abbe4b7ddc1b351ef961414';
const TYPES = ['TRELLO_TRIGGER_CARD_CREATED', 'TRELLO_TRIGGER_CARD_MOVED', 'TRELLO_TRIGGER_COMMENT_ADDED', 'TRELLO_TRIGGER_CARD_ARCHIVED', 'TRELLO_TRIGGER_CHECKLIST_ITEM_COMPLETED'];

function trigger(type: string) {
  const t = trelloIntegration.triggers.find((x) => x.type === type);
  if (!t || t.source.kind !== 'webhook') throw new Error(`no webhook trigger ${type}`);
  return t;
}
const source = (type: string): WebhookSource => trigger(type).source as WebhookSource;

function inbound(body: unknown): InboundRequest {
  const rawBody = Buffer.from(JSON.stringify(body));
  return { method: 'POST', url: '/hooks/s/x', headers: {}, rawBody, body: JSON.parse(rawBody.toString('utf8')) };
}

describe('trello', () => {
  let fake: FakeTrello;
  let http: HttpClient;
  let callback: Server;
  let headStatus = 200;
  let hookUrl: string;
  const ctx = (params: Record<string, unknown> = { boardId: BOARD }) => ({
    http, params, credential: { id: 'cred-1', providerAccountId: null, extra: {} }, log: silent, signal: AbortSignal.timeout(10_000), now: Date.now,
  });

  beforeEach(async () => {
    fake = await startFakeTrello();
    fake.validTokens.add('user-token');
    fake.boards.add(BOARD);
    http = createProviderHttp({
      integration: trelloIntegration, apiBaseUrl: `${fake.url}/1`,
      auth: { canRefresh: false, headers: async () => ({ authorization: fake.authorization('user-token') }) },
    });
    headStatus = 200;
    callback = createServer((req, res) => {
      res.writeHead(req.method === 'HEAD' ? headStatus : 405);
      res.end();
    });
    await new Promise<void>((r) => callback.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/hooks/s/sub-1`;
  });
  afterEach(async () => {
    await fake.close();
    await new Promise<void>((r) => callback.close(() => r()));
  });

  it('declares its trigger types, API-key auth in the Authorization header and the API host', () => {
    expect(trelloIntegration.key).toBe('trello');
    expect(trelloIntegration.triggers.map((t) => t.type)).toEqual(TYPES);
    expect(trelloIntegration.auth).toEqual({ kind: 'apiKey', header: 'authorization', prefix: 'OAuth ' });
    expect(trelloIntegration.apiBaseUrl).toBe('https://api.trello.com/1');
  });

  describe('signature', () => {
    const body = JSON.stringify(createCard);
    const publicUrl = 'https://ot.example/hooks/s/0b9d3c0e-7d55-4d7e-9a0c-2f1f7d9b1e11';
    const req = (signature: string, raw = body, url = publicUrl) =>
      ({ method: 'POST', url: new URL(url).pathname, headers: { 'x-trello-webhook': signature }, rawBody: Buffer.from(raw), publicUrl: url });

    it('is base64 HMAC-SHA1 of the raw body followed by the callback URL, keyed with the app secret', () => {
      const sig = trelloSignature('app-secret', body, publicUrl);
      expect(sig).toMatch(/^[A-Za-z0-9+/]{27}=$/); // 20 bytes of SHA-1, base64
      expect(verifyRequest(TRELLO_SIGNATURE, req(sig), { secret: 'app-secret' }, Date.now())).toEqual({ ok: true });
      expect(signRequest(TRELLO_SIGNATURE, req(''), { secret: 'app-secret' }, Date.now())).toEqual({ 'x-trello-webhook': sig });
    });

    it('refuses another secret, a changed body, a signature made for another callback URL, and no signature', () => {
      const sig = trelloSignature('app-secret', body, publicUrl);
      expect(verifyRequest(TRELLO_SIGNATURE, req(sig), { secret: 'other-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(TRELLO_SIGNATURE, req(sig, body.replace('release notes', 'release notez')), { secret: 'app-secret' }, Date.now()).ok).toBe(false);
      const other = 'https://ot.example/hooks/s/11111111-2222-4333-8444-555555555555';
      expect(verifyRequest(TRELLO_SIGNATURE, req(sig, body, other), { secret: 'app-secret' }, Date.now()).ok).toBe(false);
      expect(verifyRequest(TRELLO_SIGNATURE, { ...req(sig), headers: {} }, { secret: 'app-secret' }, Date.now()).ok).toBe(false);
    });
  });

  describe('items', () => {
    const fixtures = { createCard, cardMoved, commentCard, cardArchived, checkItemCompleted };
    const accepted = (type: string, params: Record<string, unknown> = { boardId: BOARD }) =>
      Object.entries(fixtures).filter(([, body]) => (source(type).toItems(inbound(body), { ...ctx(params), state: {} }) as unknown[]).length > 0).map(([name]) => name);

    it('each trigger takes only its own action, keyed by the action id', () => {
      expect(accepted('TRELLO_TRIGGER_CARD_CREATED')).toEqual(['createCard']);
      expect(accepted('TRELLO_TRIGGER_CARD_MOVED')).toEqual(['cardMoved']);
      expect(accepted('TRELLO_TRIGGER_COMMENT_ADDED')).toEqual(['commentCard']);
      expect(accepted('TRELLO_TRIGGER_CARD_ARCHIVED')).toEqual(['cardArchived']);
      expect(accepted('TRELLO_TRIGGER_CHECKLIST_ITEM_COMPLETED')).toEqual(['checkItemCompleted']);
      const items = source('TRELLO_TRIGGER_COMMENT_ADDED').toItems(inbound(commentCard), { ...ctx(), state: {} });
      expect(items).toEqual([{ key: commentCard.action.id, payload: commentCard, occurredAt: Date.parse(commentCard.action.date) }]);
      expect(source('TRELLO_TRIGGER_COMMENT_ADDED').deliveryId!(inbound(commentCard))).toBe(commentCard.action.id);
    });

    it('card moved honours the optional destination list', () => {
      expect(accepted('TRELLO_TRIGGER_CARD_MOVED', { boardId: BOARD, listId: cardMoved.action.data.listAfter.id })).toEqual(['cardMoved']);
      expect(accepted('TRELLO_TRIGGER_CARD_MOVED', { boardId: BOARD, listId: cardMoved.action.data.listBefore.id })).toEqual([]);
    });

    it('ignores unarchiving, unchecking, a card update without a list change, and bodies without an action', () => {
      const unarchived = { ...cardArchived, action: { ...cardArchived.action, data: { ...cardArchived.action.data, card: { ...cardArchived.action.data.card, closed: false }, old: { closed: true } } } };
      expect(source('TRELLO_TRIGGER_CARD_ARCHIVED').toItems(inbound(unarchived), { ...ctx(), state: {} })).toEqual([]);
      const unchecked = { ...checkItemCompleted, action: { ...checkItemCompleted.action, data: { ...checkItemCompleted.action.data, checkItem: { ...checkItemCompleted.action.data.checkItem, state: 'incomplete' } } } };
      expect(source('TRELLO_TRIGGER_CHECKLIST_ITEM_COMPLETED').toItems(inbound(unchecked), { ...ctx(), state: {} })).toEqual([]);
      const renamed = { ...cardMoved, action: { ...cardMoved.action, data: { card: cardMoved.action.data.card, old: { name: 'x' }, board: cardMoved.action.data.board } } };
      expect(source('TRELLO_TRIGGER_CARD_MOVED').toItems(inbound(renamed), { ...ctx(), state: {} })).toEqual([]);
      for (const type of TYPES) expect(source(type).toItems(inbound({ model: {} }), { ...ctx(), state: {} })).toEqual([]);
    });
  });

  describe('parameters', () => {
    it('requires a 24-hex board id and accepts an optional 24-hex list id', () => {
      const board = trigger('TRELLO_TRIGGER_CARD_CREATED').parameters.find((p) => p.id === 'boardId')!;
      expect(board.required).toBe(true);
      expect(board.validate!(BOARD)).toBeNull();
      for (const bad of ['iCZf1Oev', 'Product', 42, '', `${BOARD}0`]) expect(board.validate!(bad)).toContain('24-character Trello id');
      const list = trigger('TRELLO_TRIGGER_CARD_MOVED').parameters.find((p) => p.id === 'listId')!;
      expect(list.required).toBe(false);
      expect(list.validate!(undefined)).toBeNull();
      expect(list.validate!('To Do')).toContain('list');
    });
  });

  describe('register / unregister / check', () => {
    it('creates the webhook on the board after the HEAD check, verifies with the app secret, deletes it', async () => {
      const s = source('TRELLO_TRIGGER_CARD_CREATED');
      const reg = await s.register({ ...ctx(), hookUrl, secret: 'f'.repeat(64) });
      const hook = [...fake.hooks.values()][0]!;
      expect(fake.headChecks).toEqual([{ url: hookUrl, status: 200 }]);
      expect(hook).toMatchObject({ idModel: BOARD, callbackURL: hookUrl, active: true, token: 'user-token' });
      expect(reg).toEqual({ state: { webhookId: hook.id, boardId: BOARD } });
      // The engine verifies with the app's secret, the project's trello webhookSecret (required).
      expect(s.appSigningKey).toMatchObject({ required: true });
      // The token travels in the Authorization header, never in the URL.
      const post = fake.requests.find((r) => r.method === 'POST')!;
      expect(post.auth).toBe(fake.authorization('user-token'));
      expect(Object.keys(post.query).sort()).toEqual(['callbackURL', 'description', 'idModel']);

      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('active');
      hook.active = false;
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('inactive');
      await s.unregister({ ...ctx(), state: reg.state });
      expect(fake.hooks.size).toBe(0);
      expect(await s.check!({ ...ctx(), state: reg.state })).toBe('gone');
      await s.unregister({ ...ctx(), state: reg.state }); // already gone: 404 is fine
    });

    it('reports Trello refusals with their reason', async () => {
      const s = source('TRELLO_TRIGGER_CARD_CREATED');
      const other = '0123456789abcdef01234567';
      await expect(s.register({ ...ctx({ boardId: other }), hookUrl, secret: 's' })).rejects.toMatchObject({ kind: 'permanent', status: 400, message: expect.stringContaining('invalid value for idModel') });
      headStatus = 404;
      await expect(s.register({ ...ctx(), hookUrl, secret: 's' })).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('did not return 200') });
      fake.failNext(1, 429, 'API_TOKEN_LIMIT_EXCEEDED', { 'retry-after': '10' });
      await expect(s.register({ ...ctx(), hookUrl, secret: 's' })).rejects.toMatchObject({ kind: 'rate_limited' });
      const bad = createProviderHttp({ integration: trelloIntegration, apiBaseUrl: `${fake.url}/1`, auth: { canRefresh: false, headers: async () => ({ authorization: fake.authorization('revoked') }) } });
      const err = await s.register({ ...ctx(), http: bad, hookUrl, secret: 's' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProviderError);
      expect(err).toMatchObject({ kind: 'auth' });
      expect(JSON.stringify({ message: (err as Error).message })).not.toContain('revoked');
      expect(fake.hooks.size).toBe(0);
    });
  });
});
