// New submissions of one form through a Jotform form webhook, one per trigger subscription:
// `POST /form/{id}/webhooks` with `webhookURL` (form-encoded) adds our URL to the form's webhook list;
// `GET /form/{id}/webhooks` answers that list as `{"0": url, "1": url, …}`; `DELETE /form/{id}/webhooks/{index}`
// removes one entry by its position (https://api.jotform.com/docs/#form-id-webhooks). Positions shift when an
// earlier entry is removed, so the state keeps our URL and the position is looked up right before deleting.
// The hourly `check` reads the list too: our URL missing (removed in the form's Integrations panel) → 'gone',
// and the engine adds it again.
//
// Deliveries: a `multipart/form-data` POST per submission with `formID`, `submissionID`, `formTitle`, `ip`,
// `pretty` (the answers as text) and `rawRequest` (the answers as a JSON string)
// (https://www.jotform.com/help/245-how-to-setup-a-webhook-with-jotform/).
//
// Verification: Jotform signs nothing and lets us choose no secret or header. The registered URL is our hook
// URL plus `?token=<the subscription's fresh random secret>`, checked in constant time with the SDK's
// sharedSecret scheme on that query parameter, as Mailchimp's unsigned webhooks are. Trade-off: the token is
// part of the URL, so whoever can read the form's webhook list (its owner and editors, the API key) or a log of
// full request URLs can forge deliveries for that one subscription until it is re-created; nothing binds the
// body to Jotform. The payload is the pushed body, not re-read through the API (which would spend the
// account's daily API allowance on every submission).
import { hookUrlWithToken, ProviderError, URL_TOKEN, type HttpClient, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { jotformError, jotformGet, type JotformEnvelope } from './api.js';

export interface SubmissionParams {
  formId: string;
}

const webhooksPath = (formId: string) => `/form/${encodeURIComponent(formId)}/webhooks`;

/** The form's webhook list as [position, url] pairs. */
async function listWebhooks(http: HttpClient, formId: string, now: number): Promise<Array<[string, string]>> {
  const content = await jotformGet<Record<string, unknown> | unknown[]>(http, webhooksPath(formId), {}, now);
  if (!content || typeof content !== 'object') return [];
  return Object.entries(content).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** The delivered fields, `rawRequest` decoded from its JSON string when it is one. */
export async function parseDelivery(req: InboundRequest): Promise<Record<string, unknown> | null> {
  const type = req.headers['content-type'] ?? '';
  let fields: Array<[string, unknown]>;
  if (type.toLowerCase().startsWith('multipart/form-data')) {
    try {
      const form = await new Response(new Uint8Array(req.rawBody), { headers: { 'content-type': type } }).formData();
      fields = [];
      form.forEach((value, name) => {
        if (typeof value === 'string') fields.push([name, value]);
      });
    } catch {
      return null;
    }
  } else if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
    fields = Object.entries(req.body as Record<string, unknown>);
  } else {
    return null;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of fields) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = v;
  }
  if (typeof out.rawRequest === 'string') {
    try {
      out.rawRequest = JSON.parse(out.rawRequest) as unknown;
    } catch {
      // Left as the text Jotform sent.
    }
  }
  return out;
}

// No `redeliveryDays`: Jotform documents neither its retries nor a resend window; keep the markers.
export function submissionWebhook(): WebhookSource<SubmissionParams> {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    async register(ctx) {
      const formId = ctx.params.formId;
      const url = hookUrlWithToken(ctx.hookUrl, ctx.secret);
      const res = await ctx.http.request<JotformEnvelope<unknown>>({ method: 'POST', path: webhooksPath(formId), form: { webhookURL: url }, allowStatus: [400, 401, 403, 404, 429] });
      if (res.status === 404) throw new ProviderError('permanent', `Jotform has no form ${formId} (formId) for this API key`, 404);
      if (res.status >= 400) throw jotformError(res, ctx.now());
      return { state: { formId, url } };
    },
    async unregister(ctx) {
      const formId = typeof ctx.state.formId === 'string' ? ctx.state.formId : ctx.params.formId;
      const url = ctx.state.url;
      if (typeof url !== 'string') return;
      let entries: Array<[string, string]>;
      try {
        entries = await listWebhooks(ctx.http, formId, ctx.now());
      } catch (err) {
        // The form is gone, and its webhooks with it.
        if (err instanceof ProviderError && err.status === 404) return;
        throw err;
      }
      // Highest position first, so removing one does not move the next.
      for (const [index] of entries.filter(([, u]) => u === url).reverse()) {
        const res = await ctx.http.request<JotformEnvelope<unknown>>({ method: 'DELETE', path: `${webhooksPath(formId)}/${encodeURIComponent(index)}`, allowStatus: [400, 401, 403, 404, 429] });
        if (res.status !== 404 && res.status >= 400) throw jotformError(res, ctx.now());
      }
    },
    async check(ctx) {
      const formId = typeof ctx.state.formId === 'string' ? ctx.state.formId : ctx.params.formId;
      if (typeof ctx.state.url !== 'string') return 'gone';
      let entries: Array<[string, string]>;
      try {
        entries = await listWebhooks(ctx.http, formId, ctx.now());
      } catch (err) {
        if (err instanceof ProviderError && err.status === 404) return 'gone';
        throw err;
      }
      return entries.some(([, u]) => u === ctx.state.url) ? 'active' : 'gone';
    },
    deliveryId(req) {
      const m = /name="submissionID"\r\n\r\n(\d+)\r\n/.exec(req.rawBody.toString('latin1'));
      return m?.[1];
    },
    async toItems(req, ctx): Promise<Item[]> {
      if (req.method.toUpperCase() !== 'POST') return [];
      const body = await parseDelivery(req);
      if (!body) return [];
      const submissionId = body.submissionID;
      if (typeof submissionId !== 'string' || !/^\d+$/.test(submissionId)) return [];
      // Another form's submission reaching this URL (the URL copied onto another form) is not ours.
      if (typeof body.formID === 'string' && body.formID !== ctx.params.formId) return [];
      // A submission is created once: its id is the key, the same in any resend of it.
      return [{ key: submissionId, payload: body }];
    },
  };
}
