// FreshBooks webhook callbacks, one per trigger subscription (https://www.freshbooks.com/api/webhooks):
// `POST /events/account/{accountId}/events/callbacks {callback: {event, uri}}` creates it unverified; FreshBooks
// then POSTs `name=callback.verify&object_id={callbackId}&verifier=…` (form-encoded) to the URI, and the
// callback delivers only once that verifier is sent back with `PUT …/callbacks/{callbackId} {callback:
// {verifier}}`. The verifier is also the key of every later `X-FreshBooks-Hmac-SHA256`: base64 HMAC-SHA256 of
// the form fields as Python's json.dumps writes them (`{formJson}`), so it is handed over to the engine as the
// subscription's secret (KeyHandover) — after FreshBooks accepted it, which a forged verifier never is.
//
// Deliveries are thin (name, object_id, account_id, business_id, identity_id, user_id): the object is read
// back (GET invoice / payment / client / estimate) so the event carries it, and keyed by its id ("created"
// triggers: FreshBooks' retries of the same notification map to the same key). The hourly check reads the
// callback: 404 → gone, still unverified → inactive (the engine deletes it and registers again, which makes
// FreshBooks send a new verifier). Unsubscribe deletes it.
import {
  ProviderError,
  defineTrigger,
  type HmacScheme,
  type InboundRequest,
  type Item,
  type ParameterDefinition,
  type TriggerDefinition,
  type WebhookContext,
} from '../../sdk/index.js';
import { ACCOUNT_ID, call, resultOf } from './api.js';

export const FRESHBOOKS_SIGNATURE: HmacScheme = {
  kind: 'hmac',
  algorithm: 'sha256',
  header: 'x-freshbooks-hmac-sha256',
  encoding: 'base64',
  signingString: '{formJson}',
};

export const FRESHBOOKS_WEBHOOKS_DOCS = 'https://www.freshbooks.com/api/webhooks';

export interface FreshBooksParams {
  accountId?: string;
}

export const accountIdParameter: ParameterDefinition = {
  id: 'accountId',
  title: 'Account ID',
  type: 'TEXT',
  required: false,
  description: 'The FreshBooks account_id of the business to watch. Leave empty for the business chosen when the account was connected.',
  validate: (v) => (v === undefined || v === null || v === '' || (typeof v === 'string' && ACCOUNT_ID.test(v)) ? null : 'must be a FreshBooks account_id (letters and digits, e.g. 6BApk)'),
};

export interface FreshBooksObjectSpec {
  type: string;
  title: string;
  description: string;
  /** The callback event, e.g. `invoice.create`. */
  event: string;
  /** The accounting path of one object after `/accounting/account/{accountId}/`, e.g. `invoices/invoices`. */
  objectPath: string;
  /** The key of the object in `response.result`, e.g. `invoice`. */
  resultKey: string;
  examplePayload: unknown;
}

function form(req: InboundRequest): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(req.rawBody.toString('utf8'))) if (!(k in fields)) fields[k] = v;
  return fields;
}

function accountOf(ctx: { params: FreshBooksParams; credential: { providerAccountId: string | null; extra: Record<string, unknown> }; state?: Record<string, unknown> }): string {
  const fromState = ctx.state?.accountId;
  const candidates = [fromState, ctx.params.accountId, ctx.credential.extra.accountId, ctx.credential.providerAccountId];
  const id = candidates.find((c): c is string => typeof c === 'string' && c !== '');
  if (id === undefined) throw new ProviderError('permanent', 'no FreshBooks account_id: give the accountId parameter or reconnect the account');
  if (!ACCOUNT_ID.test(id)) throw new ProviderError('permanent', 'accountId: not a FreshBooks account_id');
  return id;
}

const callbacksPath = (accountId: string) => `/events/account/${encodeURIComponent(accountId)}/events/callbacks`;

function callbackIdOf(state: Record<string, unknown>): string | null {
  const id = state.callbackId;
  return typeof id === 'string' && /^\d{1,20}$/.test(id) ? id : null;
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  return null;
}

export function freshBooksObjectTrigger(spec: FreshBooksObjectSpec): TriggerDefinition<FreshBooksParams> {
  return defineTrigger<FreshBooksParams>({
    type: spec.type,
    title: spec.title,
    description: spec.description,
    parameters: [accountIdParameter],
    examplePayload: spec.examplePayload,
    docsUrl: FRESHBOOKS_WEBHOOKS_DOCS,
    source: {
      kind: 'webhook',
      verification: FRESHBOOKS_SIGNATURE,
      async register(ctx) {
        const accountId = accountOf(ctx);
        const res = await call<unknown>(ctx.http, ctx.now(), { method: 'POST', path: callbacksPath(accountId), json: { callback: { event: spec.event, uri: ctx.hookUrl } } });
        const callback = resultOf(res.body)?.callback as { callbackid?: unknown; id?: unknown } | undefined;
        const callbackId = idText(callback?.callbackid ?? callback?.id);
        if (!callbackId) throw new ProviderError('permanent', 'FreshBooks answered POST /events/callbacks without a callbackid');
        return { state: { accountId, callbackId, verified: false } };
      },
      keyHandover: {
        match: (req) => form(req).name === 'callback.verify',
        async accept(req, ctx) {
          const fields = form(req);
          const callbackId = callbackIdOf(ctx.state);
          // Only the verifier of this subscription's own callback, and only once.
          if (!callbackId || ctx.state.verified === true || fields.object_id !== callbackId) return null;
          const verifier = fields.verifier;
          if (typeof verifier !== 'string' || verifier === '' || verifier.length > 512) throw new ProviderError('permanent', 'the verification request has no verifier');
          const accountId = accountOf(ctx);
          await call(ctx.http, ctx.now(), { method: 'PUT', path: `${callbacksPath(accountId)}/${callbackId}`, json: { callback: { verifier } } });
          return { secret: verifier, state: { ...ctx.state, verified: true } };
        },
      },
      async unregister(ctx) {
        const callbackId = callbackIdOf(ctx.state);
        if (!callbackId) return;
        const res = await call(ctx.http, ctx.now(), { method: 'DELETE', path: `${callbacksPath(accountOf(ctx))}/${callbackId}` }, [404]);
        if (res.status === 404) ctx.log.info('FreshBooks callback was already deleted', { callbackId });
      },
      async check(ctx) {
        const callbackId = callbackIdOf(ctx.state);
        if (!callbackId) return 'gone';
        const res = await call<unknown>(ctx.http, ctx.now(), { path: `${callbacksPath(accountOf(ctx))}/${callbackId}` }, [404]);
        if (res.status === 404) return 'gone';
        const callback = resultOf(res.body)?.callback as { verified?: unknown } | undefined;
        return callback?.verified === true ? 'active' : 'inactive';
      },
      deliveryId: (req) => {
        const f = form(req);
        return f.name && f.object_id ? `${f.name}:${f.object_id}` : undefined;
      },
      async toItems(req, ctx: WebhookContext<FreshBooksParams>): Promise<Item[]> {
        const f = form(req);
        if (f.name !== spec.event) {
          ctx.log.info('FreshBooks delivery for another event; ignored', { name: f.name });
          return [];
        }
        const objectId = idText(f.object_id);
        if (!objectId) throw new ProviderError('permanent', 'the FreshBooks delivery has no numeric object_id');
        const accountId = accountOf(ctx);
        if (f.account_id !== undefined && f.account_id !== accountId) {
          ctx.log.warn('FreshBooks delivery for another account; ignored', { accountId: f.account_id });
          return [];
        }
        const res = await call<unknown>(ctx.http, ctx.now(), { path: `/accounting/account/${encodeURIComponent(accountId)}/${spec.objectPath}/${objectId}` }, [404]);
        if (res.status === 404) {
          ctx.log.info('FreshBooks object is gone; event skipped', { objectId });
          return [];
        }
        const object = resultOf(res.body)?.[spec.resultKey];
        if (object === null || typeof object !== 'object') throw new ProviderError('permanent', `FreshBooks answered without the ${spec.resultKey}`);
        return [{ key: objectId, payload: object }];
      },
    },
  });
}
