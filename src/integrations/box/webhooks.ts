// Per-subscription Box V2 webhooks (`POST /webhooks` on the watched folder, one trigger each), deleted on
// unsubscribe and read every hour (`check`, ADR 0018) so one Box deleted is created again.
//
// Signature (https://developer.box.com/guides/webhooks/v2/signatures-v2/): Box signs every delivery twice,
// BOX-SIGNATURE-PRIMARY = base64 HMAC-SHA256(app primary key, raw body bytes then BOX-DELIVERY-TIMESTAMP bytes)
// and BOX-SIGNATURE-SECONDARY the same with the secondary key; BOX-DELIVERY-TIMESTAMP is RFC 3339 and Box's
// SDKs refuse messages older than 10 minutes. The keys belong to the Box app (Developer Console → Webhooks →
// Manage signature keys), not to a webhook, so the project's integration `webhookSecret` holds one of them
// (either: a match in either header is accepted); `appSigningKey` has the engine verify with it.
import { ProviderError, type HmacScheme, type Item, type WebhookSource } from '../../sdk/index.js';
import { boxError, findFolderWebhook, webhookPath, type BoxWebhook } from './api.js';

export const BOX_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'box-signature-primary',
  alternateHeaders: ['box-signature-secondary'],
  encoding: 'base64',
  signingString: '{body}{timestamp}',
  timestampHeader: 'box-delivery-timestamp',
  timestampUnit: 'rfc3339',
  toleranceSeconds: 600,
};

/** The Box V2 webhook triggers these subscriptions use (https://developer.box.com/guides/webhooks/triggers/). */
export type BoxTrigger = 'FILE.UPLOADED' | 'FILE.TRASHED' | 'FILE.DELETED' | 'FOLDER.CREATED' | 'COMMENT.CREATED';

export interface BoxParams {
  folderId: string;
}

interface WebhookEventBody {
  type?: unknown;
  id?: unknown;
  created_at?: unknown;
  trigger?: unknown;
  webhook?: { id?: unknown } | null;
  additional_info?: unknown;
}

/** Who else's webhook is on the folder, in words that say what to do (the address itself is not shown). */
function conflictMessage(folderId: string, existing: BoxWebhook | null, hookUrl: string): string {
  const rule = `Box allows one webhook per folder for each app and user (https://developer.box.com/guides/webhooks/v2/limitations-v2/), and folder ${folderId} already has one`;
  const advice = 'Watch another folder (a webhook on a parent folder also reports what happens in its subfolders), or remove the other webhook first';
  if (!existing) return `${rule}. ${advice}.`;
  const ourPrefix = hookUrl.slice(0, hookUrl.lastIndexOf('/') + 1);
  const whose = existing.address?.startsWith(ourPrefix)
    ? 'for another trigger subscription of this service — unsubscribe it, or subscribe to it instead'
    : 'sending to another address — delete it in Box if it is no longer used';
  const triggers = existing.triggers?.length ? ` for ${existing.triggers.join(', ')}` : '';
  return `${rule}: webhook ${existing.id}${triggers}, ${whose}. ${advice}.`;
}

export function boxWebhook(trigger: BoxTrigger): WebhookSource<BoxParams> {
  return {
    kind: 'webhook',
    verification: BOX_SIGNATURE,
    // No redeliveryDays: Box retries a failed delivery up to 10 times, the first after 5 minutes and then with
    // exponential back-off, a number it says "could be subject to change"
    // (https://developer.box.com/guides/webhooks/v2/#retries); how long that lasts is not documented.
    appSigningKey: {
      required: true,
      description: "the Box app's primary or secondary signature key (Developer Console → your app → Webhooks → Manage signature keys)",
    },
    async register(ctx) {
      const folderId = ctx.params.folderId;
      const res = await ctx.http.request<Partial<BoxWebhook>>({
        method: 'POST',
        path: '/webhooks',
        json: { target: { id: folderId, type: 'folder' }, address: ctx.hookUrl, triggers: [trigger] },
        allowStatus: [400, 403, 404, 409],
      });
      if (res.status === 409) {
        const existing = await findFolderWebhook(ctx.http, folderId);
        // Our own, left by an earlier attempt whose answer was lost (a timeout after Box created it): adopt it.
        if (existing?.address === ctx.hookUrl && existing.triggers?.includes(trigger)) {
          return { state: { webhookId: existing.id, folderId, address: ctx.hookUrl } };
        }
        throw new ProviderError('permanent', conflictMessage(folderId, existing, ctx.hookUrl), 409);
      }
      if (res.status === 404) throw boxError(res, `folder ${folderId} does not exist, or the connected Box user cannot see it`);
      if (res.status === 403) throw boxError(res, 'the Box app needs the Manage Webhooks scope (manage_webhook), and the connected user access to the folder');
      if (res.status >= 400) throw boxError(res, 'creating the webhook (the notification URL must be public HTTPS on port 443)');
      if (!webhookPath(res.body?.id)) throw new ProviderError('permanent', 'Box created the webhook but answered without its id');
      return { state: { webhookId: res.body.id, folderId, address: ctx.hookUrl } };
    },
    async unregister(ctx) {
      const path = webhookPath(ctx.state.webhookId);
      if (!path) return;
      // 204 deleted; 404 already gone (Box deletes webhooks itself, see check).
      const res = await ctx.http.request({ method: 'DELETE', path, allowStatus: [403, 404] });
      if (res.status === 403) throw boxError(res, 'deleting the webhook');
    },
    async check(ctx) {
      // Box deletes a webhook when every access token it was created with is revoked, when the app is deleted,
      // or once its last successful delivery is 30 days old with events for over 14 days after it
      // (https://developer.box.com/guides/webhooks/v2/delete-v2/);
      // a user or admin may delete or edit it too. `GET /webhooks/{id}` answers the webhook, or 404 once gone.
      const path = webhookPath(ctx.state.webhookId);
      if (!path) return 'gone';
      const res = await ctx.http.request<Partial<BoxWebhook>>({ path, allowStatus: [403, 404] });
      if (res.status === 404) return 'gone';
      if (res.status >= 400) throw boxError(res, 'reading the webhook');
      // Edited elsewhere (`PUT /webhooks/{id}`) to send somewhere else or for other triggers: it no longer
      // serves this subscription; replacing it restores what was subscribed.
      const addressMoved = typeof ctx.state.address === 'string' && res.body?.address !== undefined && res.body.address !== ctx.state.address;
      const triggerDropped = Array.isArray(res.body?.triggers) && !res.body.triggers.includes(trigger);
      return addressMoved || triggerDropped ? 'inactive' : 'active';
    },
    deliveryId(req) {
      // Changes with every retry; the event id in the body does not (https://developer.box.com/guides/webhooks/v2/).
      return req.headers['box-delivery-id'];
    },
    toItems(req, ctx): Item[] {
      const body = req.body as WebhookEventBody | null;
      if (!body || body.type !== 'webhook_event' || typeof body.id !== 'string' || body.id === '') return [];
      // Only events of the webhook this subscription holds: every webhook of the app is signed with the same
      // keys, so a signed body of another webhook replayed to this URL is not this subscription's event.
      if (typeof ctx.state.webhookId === 'string' && body.webhook?.id !== ctx.state.webhookId) return [];
      if (body.trigger === 'WEBHOOK.DELETED') {
        ctx.log.info('Box says it deleted this webhook; the hourly check registers it again', { reason: JSON.stringify(body.additional_info ?? null) });
        return [];
      }
      if (body.trigger !== trigger) return [];
      const occurredAt = typeof body.created_at === 'string' ? Date.parse(body.created_at) : Number.NaN;
      // The event id stays the same when Box retries a delivery: one event, stored once.
      return [{ key: body.id, payload: body, ...(Number.isFinite(occurredAt) ? { occurredAt } : {}) }];
    },
  };
}
