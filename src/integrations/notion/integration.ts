// Notion (public integration, OAuth). Notion has no API to create webhook subscriptions (they are configured
// per integration in Notion's UI and are not per user), so every trigger polls; see polling.ts for the cursor
// design and docs/integrations/notion.md for setup.
import { defineIntegration } from '../../sdk/index.js';
import { NOTION_VERSION } from './polling.js';
import { databaseItemCreated } from './triggers/database-item-created.js';
import { databaseItemUpdated } from './triggers/database-item-updated.js';
import { pageCreated } from './triggers/page-created.js';
import { pageUpdated } from './triggers/page-updated.js';

export const notionIntegration = defineIntegration({
  key: 'notion',
  name: 'Notion',
  auth: {
    kind: 'oauth2',
    authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
    tokenUrl: 'https://api.notion.com/v1/oauth/token',
    // Notion has no OAuth scopes: access follows the integration's capabilities and the pages the user shares.
    scopes: [],
    pkce: false,
    clientAuth: 'basic',
    // Notion's token endpoint takes a JSON body (developers.notion.com, "Create a token").
    tokenRequestEncoding: 'json',
    extraAuthorizationParams: { owner: 'user' },
  },
  apiBaseUrl: 'https://api.notion.com',
  // 2025-09-03: databases are containers of data sources; older versions fail on multi-source databases.
  defaultHeaders: { 'Notion-Version': NOTION_VERSION },
  docsUrl: 'https://developers.notion.com/docs/authorization',
  async accountId({ http, token }) {
    // The token response names the workspace; the bot user is the fallback when the engine did not keep it.
    const extra = token.extra ?? {};
    if (typeof extra.workspace_id === 'string' && extra.workspace_id !== '') {
      return {
        providerAccountId: extra.workspace_id,
        extra: { workspaceId: extra.workspace_id, workspaceName: extra.workspace_name, botId: extra.bot_id },
      };
    }
    const me = await http.get<{ id: string; bot?: { workspace_id?: string; workspace_name?: string } }>('/v1/users/me');
    const workspaceId = me.bot?.workspace_id ?? me.id;
    return { providerAccountId: workspaceId, extra: { workspaceId, workspaceName: me.bot?.workspace_name, botId: me.id } };
  },
  triggers: [pageCreated, pageUpdated, databaseItemCreated, databaseItemUpdated],
});
