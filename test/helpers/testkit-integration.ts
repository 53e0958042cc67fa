// "testkit": a small integration used only by tests, exercising every source kind through the real SDK.
import { ProviderError, defineIntegration, defineTrigger, type HmacScheme, type Item } from '../../src/sdk/index.js';

interface FolderParams {
  folder: string;
  minPriority?: number;
  filter?: unknown;
}

export const testkitHookScheme: HmacScheme = {
  kind: 'hmac', algorithm: 'sha256', header: 'x-testkit-signature', encoding: 'hex',
};
export const testkitAppScheme: HmacScheme = {
  kind: 'hmac', algorithm: 'sha256', header: 'x-testkit-app-signature', prefix: 'v1=', encoding: 'hex',
  signingString: '{timestamp}.{body}', timestampHeader: 'x-testkit-timestamp', toleranceSeconds: 300,
};

const itemCreated = defineTrigger<FolderParams>({
  type: 'TESTKIT_TRIGGER_ITEM_CREATED',
  title: 'New item',
  description: 'Fires when an item is created in a folder (polling).',
  parameters: [
    { id: 'folder', title: 'Folder', type: 'TEXT', required: true },
    { id: 'minPriority', title: 'Minimum priority', type: 'NUMBER', required: false },
    { id: 'filter', title: 'Filter', type: 'CONDITIONAL', required: false },
  ],
  examplePayload: { id: 'item_1', folder: 'inbox', title: 'Hello', priority: 1, createdAt: 1700000000000 },
  source: {
    kind: 'poll',
    async poll(ctx) {
      // Cursor = the newest createdAt seen; re-reading items at that same instant is harmless (dedupe by id).
      const since = typeof ctx.cursor === 'number' ? ctx.cursor : 0;
      const items: Item[] = [];
      let newest = since;
      for (let page: number | null = 0; page !== null; ) {
        const res: { items: Array<{ id: string; createdAt: number; priority: number }>; nextPage: number | null } =
          await ctx.http.get('/items', { folder: ctx.params.folder, since, page });
        for (const it of res.items) {
          newest = Math.max(newest, it.createdAt);
          if (ctx.params.minPriority !== undefined && it.priority < ctx.params.minPriority) continue;
          items.push({ key: it.id, payload: it, occurredAt: it.createdAt });
        }
        page = res.nextPage;
      }
      return { items, cursor: newest };
    },
  },
});

const hookEvent = defineTrigger<FolderParams>({
  type: 'TESTKIT_TRIGGER_HOOK_EVENT',
  title: 'Folder event (webhook)',
  description: 'A per-subscription webhook registered with the provider.',
  parameters: [{ id: 'folder', title: 'Folder', type: 'TEXT', required: true }],
  examplePayload: { id: 'evt_1', type: 'item.changed', data: { id: 'item_1' } },
  source: {
    kind: 'webhook',
    verification: testkitHookScheme,
    async register(ctx) {
      const r = await ctx.http.request<{ id: string }>({ method: 'POST', path: '/hooks', json: { url: ctx.hookUrl, secret: ctx.secret, folder: ctx.params.folder } });
      return { state: { hookId: r.body.id } };
    },
    async unregister(ctx) {
      const r = await ctx.http.request({ method: 'DELETE', path: `/hooks/${String(ctx.state.hookId)}`, allowStatus: [404] });
      if (r.status === 404) ctx.log.info('hook already gone');
    },
    deliveryId: (req) => req.headers['x-testkit-delivery'],
    toItems(req) {
      const body = req.body as { id?: string; type?: string };
      if (typeof body.id !== 'string') throw new ProviderError('permanent', 'event without id');
      return [{ key: body.id, payload: body }];
    },
  },
});

const appEvent = defineTrigger<{ eventType?: string }>({
  type: 'TESTKIT_TRIGGER_APP_EVENT',
  title: 'Account event (app webhook)',
  description: 'Events sent to the app-level URL, routed by account id.',
  parameters: [{ id: 'eventType', title: 'Event type', type: 'TEXT', required: false }],
  examplePayload: { id: 'a_1', type: 'thing.happened', data: {} },
  source: {
    kind: 'appWebhook',
    match(event, params) {
      if (params.eventType !== undefined && params.eventType !== event.eventType) return [];
      return [{ key: event.deliveryId, payload: event.event }];
    },
  },
});

export const testkitIntegration = defineIntegration({
  key: 'testkit',
  name: 'Testkit',
  auth: { kind: 'oauth2', authorizationUrl: 'http://127.0.0.1:9/authorize', tokenUrl: 'http://127.0.0.1:9/token', scopes: ['read'], pkce: true },
  apiBaseUrl: 'http://127.0.0.1:9',
  appWebhook: {
    verification: testkitAppScheme,
    handshakes: [{ kind: 'challengeEcho', match: { jsonPath: 'type', equals: 'url_verification' }, respondWith: { jsonPath: 'challenge', as: 'json' } }],
    parse(req) {
      const body = req.body as { account?: string; id?: string; type?: string; data?: unknown };
      if (typeof body.account !== 'string' || typeof body.id !== 'string') return [];
      return [{ providerAccountId: body.account, deliveryId: body.id, eventType: body.type ?? '', event: body }];
    },
  },
  triggers: [itemCreated, hookEvent, appEvent],
});
