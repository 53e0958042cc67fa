// Dropbox's app webhook: one URI per app (App Console → Webhooks), for every account linked to the app.
// - Verification when the URI is added: `GET ?challenge=…`, echoed as text/plain with nosniff (answered by the
//   SDK's getChallenge handshake).
// - Notifications: `POST {"list_folder": {"accounts": ["dbid:…"]}, "delta": {"users": [12345]}}` signed
//   `X-Dropbox-Signature: <hex HMAC-SHA256(app secret, raw body)>`. They carry no changes — only which accounts
//   changed. Each account becomes an AppEvent routed to the credentials whose provider account id it is.
import { createHash } from 'node:crypto';
import type { AppEvent, AppWebhookConfig, HmacScheme, InboundRequest } from '../../sdk/index.js';

export const DROPBOX_SIGNATURE: HmacScheme = { kind: 'hmac', algorithm: 'sha256', header: 'x-dropbox-signature', encoding: 'hex' };

export const dropboxAppWebhook: AppWebhookConfig = {
  verification: DROPBOX_SIGNATURE,
  handshakes: [{ kind: 'getChallenge', queryParam: 'challenge' }],
  parse(req: InboundRequest): AppEvent[] {
    const body = req.body as { list_folder?: { accounts?: unknown } } | null;
    const accounts = Array.isArray(body?.list_folder?.accounts) ? body.list_folder.accounts.filter((a): a is string => typeof a === 'string') : [];
    const digest = createHash('sha256').update(req.rawBody).digest('hex').slice(0, 32);
    return [...new Set(accounts)].map((account) => ({ providerAccountId: account, deliveryId: `${digest}:${account}`, eventType: 'list_folder', event: { account } }));
  },
};
