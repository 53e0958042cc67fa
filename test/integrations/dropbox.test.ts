// Dropbox at the source level: the file triggers follow list_folder cursors on the fake Dropbox over real HTTP
// (a harness plays the engine: baseline seen-only, keys kept once, cursor as JSON); the app webhook's
// challenge, signature and parsing are checked against the documented scheme and published test vectors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProviderHttp } from '../../src/engine/provider-http.js';
import { MAX_LOOKUPS_PER_POLL, PAGE_LIMIT, validatePath, type DropboxCursor } from '../../src/integrations/dropbox/changes.js';
import { dropboxIntegration } from '../../src/integrations/dropbox/integration.js';
import { DROPBOX_SIGNATURE } from '../../src/integrations/dropbox/webhook.js';
import notification from '../../src/integrations/dropbox/fixtures/notification.json' with { type: 'json' };
import tokenResponse from '../../src/integrations/dropbox/fixtures/token-response.json' with { type: 'json' };
import { classifyInbound, verifyRequest, type AnyTriggerDefinition, type HttpClient, type InboundRequest, type Item, type PollSource } from '../../src/sdk/index.js';
import { TestClock } from '../helpers/clock.js';
import { recordPoll } from '../helpers/poll-harness.js';
import { dropboxSignature, startFakeDropbox, type FakeDropbox } from '../providers/dropbox.js';

const MIN = 60_000;
const silent = { debug() {}, info() {}, warn() {} };

function trigger(type: string): AnyTriggerDefinition {
  const t = dropboxIntegration.triggers.find((x) => x.type === type);
  if (!t) throw new Error(`no trigger ${type}`);
  return t;
}

class Harness {
  seen = new Set<string>();
  cursor: unknown = null;
  warnings: string[] = [];
  constructor(private readonly http: HttpClient, private readonly type: string, private readonly params: Record<string, unknown>, private readonly clock: TestClock) {}
  async poll(): Promise<Item[]> {
    const r = await (trigger(this.type).source as PollSource).poll({
      http: this.http, params: this.params, credential: { id: 'cred-1', providerAccountId: 'dbid:x', extra: {} },
      log: { ...silent, warn: (m: string) => void this.warnings.push(m) }, signal: AbortSignal.timeout(10_000), now: this.clock.now, cursor: this.cursor,
    });
    return recordPoll(this, r);
  }
}

describe('dropbox', () => {
  let dbx: FakeDropbox;
  let http: HttpClient;
  let clock: TestClock;
  const harness = (type: string, params: Record<string, unknown> = { path: '/Homework', recursive: true }) => new Harness(http, type, params, clock);
  const rpcCalls = (route: string) => dbx.requests.filter((r) => r.path === `/2/${route}`);

  beforeEach(async () => {
    clock = new TestClock(Date.UTC(2026, 10, 27, 15, 0, 0));
    dbx = await startFakeDropbox({ now: clock.now });
    dbx.validTokens.add('valid-token');
    dbx.upload('/Homework/math/Old.txt', { at: clock.now() - 60 * MIN });
    http = createProviderHttp({ integration: dropboxIntegration, apiBaseUrl: dbx.url, auth: { canRefresh: false, headers: async () => ({ authorization: 'Bearer valid-token' }) } });
  });
  afterEach(async () => {
    await dbx.close();
  });

  it('declares the binding trigger types, offline OAuth with PKCE, the API host and the app webhook', () => {
    expect(dropboxIntegration.triggers.map((t) => t.type)).toEqual(['TRIGGER_DROPBOX_FILE_CREATED', 'TRIGGER_DROPBOX_FILE_DELETED']);
    expect(dropboxIntegration.auth).toMatchObject({
      kind: 'oauth2', authorizationUrl: 'https://www.dropbox.com/oauth2/authorize', tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
      pkce: true, extraAuthorizationParams: { token_access_type: 'offline' }, scopes: ['files.metadata.read'],
    });
    expect(dropboxIntegration.apiBaseUrl).toBe('https://api.dropboxapi.com');
    expect(dropboxIntegration.appWebhook?.handshakes).toEqual([{ kind: 'getChallenge', queryParam: 'challenge' }]);
    for (const t of dropboxIntegration.triggers) {
      expect(t.docsUrl).toMatch(/^https:\/\/www\.dropbox\.com\/developers\//);
      expect(t.parameters.map((p) => [p.id, p.defaultValue])).toEqual([['path', ''], ['recursive', true]]);
    }
  });

  it('takes the account id from the token response, else from get_current_account; refuses team apps', async () => {
    const { access_token, refresh_token, expires_in, token_type, ...extra } = tokenResponse;
    void expires_in; void token_type;
    expect(await dropboxIntegration.accountId!({ http, token: { accessToken: access_token, refreshToken: refresh_token, extra } })).toEqual({
      providerAccountId: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc', extra: { account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc' },
    });
    expect(await dropboxIntegration.accountId!({ http, token: { accessToken: 'valid-token' } })).toEqual({
      providerAccountId: dbx.accountId, extra: { account_id: dbx.accountId, email: 'franz@dropbox.com' },
    });
    expect(rpcCalls('users/get_current_account')[0]!.body).toBeNull(); // RPC without arguments: the JSON body `null`
    await expect(dropboxIntegration.accountId!({ http, token: { accessToken: 'valid-token', extra: { team_id: 'dbtid:1' } } })).rejects.toThrow(/team/);
  });

  it('validates the path parameter as Dropbox accepts it', () => {
    for (const ok of ['', '/', '/Homework', '/Homework/math', 'id:a4ayc_80_OEAAAAAAAAAXz', 'ns:1234/Docs']) expect(validatePath(ok), ok).toBeNull();
    for (const bad of ['Homework', '/Homework/', '/a\nb', 42]) expect(validatePath(bad), String(bad)).not.toBeNull();
  });

  describe('TRIGGER_DROPBOX_FILE_CREATED', () => {
    it('baselines with get_latest_cursor, emits each new file once, and never an edit of an existing file', async () => {
      const h = harness('TRIGGER_DROPBOX_FILE_CREATED');
      expect(await h.poll()).toEqual([]);
      expect(rpcCalls('files/list_folder/get_latest_cursor')[0]!.body).toEqual({
        path: '/Homework', recursive: true, include_deleted: false, include_mounted_folders: true, include_non_downloadable_files: true, limit: PAGE_LIMIT,
      });
      expect(rpcCalls('files/list_folder/continue')).toEqual([]); // the baseline lists nothing

      clock.advance(MIN);
      const created = dbx.upload('/Homework/math/Prime_Numbers.txt');
      dbx.upload('/Homework/math/Old.txt'); // an edit of a file that existed before the subscription
      dbx.upload('/Elsewhere/not-watched.txt');
      const items = await h.poll();
      expect(items).toEqual([{ key: created.id, payload: created, occurredAt: Date.parse(String(created.server_modified)) }]);
      expect(rpcCalls('files/list_folder/continue').at(-1)!.body).toEqual({ cursor: expect.stringMatching(/^AAH/) });

      // Edited afterwards: same file id, no new event. Created and edited between two polls: still created.
      clock.advance(MIN);
      dbx.upload('/Homework/math/Prime_Numbers.txt');
      const quick = dbx.upload('/Homework/Quick.txt');
      clock.advance(20_000);
      dbx.upload('/Homework/Quick.txt');
      expect((await h.poll()).map((i) => i.key)).toEqual([quick.id]);
      expect(await h.poll()).toEqual([]);
    });

    it('honours recursive: false (direct children only) and the whole Dropbox with path ""', async () => {
      const flat = harness('TRIGGER_DROPBOX_FILE_CREATED', { path: '/Homework', recursive: false });
      const root = harness('TRIGGER_DROPBOX_FILE_CREATED', { path: '', recursive: true });
      await flat.poll();
      await root.poll();
      clock.advance(MIN);
      const top = dbx.upload('/Homework/top.txt');
      const deep = dbx.upload('/Homework/math/deep.txt');
      const other = dbx.upload('/Photos/cat.jpg');
      expect((await flat.poll()).map((i) => i.key)).toEqual([top.id]);
      expect((await root.poll()).map((i) => i.key).sort()).toEqual([top.id, deep.id, other.id].sort());
    });

    it('pages through has_more and stops at its lookup budget at a page boundary, continuing next time', async () => {
      const h = harness('TRIGGER_DROPBOX_FILE_CREATED');
      await h.poll();
      clock.advance(MIN);
      const many = Array.from({ length: MAX_LOOKUPS_PER_POLL + 450 }, (_, i) => dbx.upload(`/Homework/bulk/${i}.txt`));
      const first = await h.poll();
      // Whole pages only: the budget is checked before each page, so a poll ends between pages.
      expect(first.length).toBeGreaterThanOrEqual(MAX_LOOKUPS_PER_POLL);
      expect(first.length).toBeLessThan(many.length);
      expect(rpcCalls('files/list_folder/continue').length).toBe(3);
      expect((h.cursor as DropboxCursor).since).toBe(clock.now() - MIN); // unchanged: changes remain behind the cursor
      clock.advance(MIN);
      const second = await h.poll();
      expect([...first, ...second].map((i) => i.key).sort()).toEqual(many.map((f) => f.id).sort());
    });

    it('refuses a folder that does not exist, and restarts from now when Dropbox resets the cursor', async () => {
      await expect(harness('TRIGGER_DROPBOX_FILE_CREATED', { path: '/Nope', recursive: true }).poll()).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('no folder /Nope') });
      await expect(harness('TRIGGER_DROPBOX_FILE_CREATED', { path: '/Homework/math/Old.txt', recursive: true }).poll()).rejects.toMatchObject({ kind: 'permanent', message: expect.stringContaining('not a folder') });
      const h = harness('TRIGGER_DROPBOX_FILE_CREATED');
      await h.poll();
      dbx.resetCursors();
      clock.advance(MIN);
      expect(await h.poll()).toEqual([]);
      expect(h.warnings).toEqual(['dropbox reset the list_folder cursor; restarting from the latest state']);
      clock.advance(MIN);
      const after = dbx.upload('/Homework/after-reset.txt');
      expect((await h.poll()).map((i) => i.key)).toEqual([after.id]);
    });

    it('classifies errors: 429 waits retry_after, 401 is auth, 5xx is transient', async () => {
      const h = harness('TRIGGER_DROPBOX_FILE_CREATED');
      await h.poll();
      dbx.rateLimitNext(300);
      await expect(h.poll()).rejects.toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 300_000 });
      dbx.failNext(1, 503, 'Service Unavailable');
      await expect(h.poll()).rejects.toMatchObject({ kind: 'transient', status: 503 });
      dbx.validTokens.clear();
      await expect(h.poll()).rejects.toMatchObject({ kind: 'auth', status: 401 });
    });
  });

  describe('TRIGGER_DROPBOX_FILE_DELETED', () => {
    it('emits each deleted file once (path + server_deleted), not folders, and a move as a deletion at the old path', async () => {
      const a = dbx.upload('/Homework/a.txt', { at: clock.now() - MIN });
      dbx.upload('/Homework/b.txt', { at: clock.now() - MIN });
      dbx.mkdir('/Homework/empty');
      const h = harness('TRIGGER_DROPBOX_FILE_DELETED');
      await h.poll();
      clock.advance(MIN);
      dbx.remove('/Homework/a.txt');
      dbx.remove('/Homework/empty');
      dbx.move('/Homework/b.txt', '/Archive/b.txt');
      dbx.upload('/Homework/new.txt'); // a creation is not a deletion
      const items = await h.poll();
      const deletedAt = new Date(Math.floor(clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      expect(items).toEqual([
        { key: `/homework/a.txt:${deletedAt}`, payload: { '.tag': 'deleted', name: 'a.txt', path_lower: '/homework/a.txt', path_display: '/Homework/a.txt' }, occurredAt: Date.parse(deletedAt) },
        { key: `/homework/b.txt:${deletedAt}`, payload: { '.tag': 'deleted', name: 'b.txt', path_lower: '/homework/b.txt', path_display: '/Homework/b.txt' }, occurredAt: Date.parse(deletedAt) },
      ]);
      void a;
      expect(await h.poll()).toEqual([]);
      // Re-created and deleted again: a second deletion.
      clock.advance(MIN);
      dbx.upload('/Homework/a.txt');
      clock.advance(5000);
      dbx.remove('/Homework/a.txt');
      expect((await h.poll()).map((i) => i.key)).toEqual([`/homework/a.txt:${new Date(Math.floor(clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z')}`]);
    });
  });

  describe('app webhook', () => {
    const config = dropboxIntegration.appWebhook!;
    const req = (body: string, headers: Record<string, string> = {}, method = 'POST', url = '/hooks/app/p/dropbox'): InboundRequest => ({
      method, url, headers, rawBody: Buffer.from(body), body: body ? JSON.parse(body) : null,
    });

    it('verifies X-Dropbox-Signature against the published and self-computed vectors', () => {
      expect(dropboxSignature('the_secret', '{"delta": {"users": [12345]}}')).toBe('0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529');
      const body = JSON.stringify(notification).replace(/,"/g, ', "').replace(/":/g, '": ').replace(/\{"/g, '{"');
      expect(body).toBe('{"list_folder": {"accounts": ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]}, "delta": {"users": [12345]}}');
      const sig = '2321de7fa9343824b9df444df80e4dd4dfcec0e7423fa14d51408edcf91db2d0';
      expect(dropboxSignature('test_app_secret', body)).toBe(sig);
      expect(verifyRequest(DROPBOX_SIGNATURE, req(body, { 'x-dropbox-signature': sig }), { secret: 'test_app_secret' }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(DROPBOX_SIGNATURE, req(body, { 'x-dropbox-signature': sig.toUpperCase() }), { secret: 'test_app_secret' }, Date.now())).toEqual({ ok: true });
      expect(verifyRequest(DROPBOX_SIGNATURE, req(body, { 'x-dropbox-signature': sig }), { secret: 'other' }, Date.now()).ok).toBe(false);
    });

    it('answers the GET challenge as text/plain with nosniff, before any signature', () => {
      const decision = classifyInbound(config, req('', {}, 'GET', '/hooks/app/p/dropbox?challenge=%3Cscript%3Ex'), { secret: 's' }, Date.now());
      expect(decision).toMatchObject({ kind: 'handshake', response: { status: 200, body: '<script>x', headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } } });
    });

    it('turns a notification into one event per account (the nudge for that account\'s subscriptions)', () => {
      const body = JSON.stringify({ list_folder: { accounts: ['dbid:A', 'dbid:B', 'dbid:A'] }, delta: { users: [1, 2] } });
      const events = config.parse(req(body));
      expect(events.map((e) => [e.providerAccountId, e.eventType, e.event])).toEqual([['dbid:A', 'list_folder', { account: 'dbid:A' }], ['dbid:B', 'list_folder', { account: 'dbid:B' }]]);
      expect(events[0]!.deliveryId).toMatch(/^[0-9a-f]{32}:dbid:A$/);
      expect(config.parse(req(body))[0]!.deliveryId).toBe(events[0]!.deliveryId); // a retry of the same body
      expect(config.parse(req('{"delta": {"users": [12345]}}'))).toEqual([]); // legacy v1-only body
    });
  });
});
