// "ccdemo": a small client-credentials integration used only by tests (RFC 6749 §4.4 accounts: a client id and
// secret per account, a token-request field from the credential's extra), with one polling trigger on `GET /items`.
import { defineIntegration, defineTrigger } from '../../src/sdk/index.js';

const itemCreated = defineTrigger<Record<string, never>>({
  type: 'CCDEMO_TRIGGER_ITEM_CREATED',
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

export const ccdemoIntegration = defineIntegration({
  key: 'ccdemo',
  name: 'Client credentials demo',
  auth: {
    kind: 'clientCredentials',
    tokenUrl: 'https://auth.ccdemo.example/token',
    scopes: ['items:read', 'items:list'],
    tokenParams: [{ field: 'sub', fromExtra: 'userId', description: 'the id of the user the integration acts as' }],
  },
  apiBaseUrl: 'https://api.ccdemo.example',
  triggers: [itemCreated],
});
