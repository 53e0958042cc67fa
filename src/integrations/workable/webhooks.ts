// Candidate events through Workable's webhook subscriptions, one per trigger subscription:
// `POST /subscriptions` `{target, event, args: {job_shortcode?, stage_slug?}}` answers the subscription's `id`;
// `DELETE /subscriptions/{id}` removes it (https://workable.readme.io/reference/webhook-subscriptions-candidates-employees).
// Workable then POSTs the candidate (the shape of the candidate details endpoint, in its state when the request is
// sent) to the target, and replays a delivery our endpoint did not answer with 200.
//
// Verification: Workable signs each delivery (`X-Workable-Signature`, HMAC-SHA256 of the body) with the account's
// API access token itself, or with the OAuth application's secret for OAuth integrations
// (https://workable.readme.io/reference/webhooks). The integration never sees the credential's token (sources get a
// CredentialView without tokens) and the subscription's verification secret is fixed at registration, so the
// signature cannot be checked without copying the token into every subscription (and keeping the copy in step when
// the token is replaced). Instead the target we register carries the subscription's fresh random secret as
// `?token=`, checked in constant time (URL_TOKEN), as for unsigned providers. Trade-off (see the doc): it proves the
// sender knows this subscription's URL, not that the body is Workable's.
import { hookUrlWithToken, ProviderError, URL_TOKEN, type InboundRequest, type Item, type WebhookSource } from '../../sdk/index.js';
import { ERROR_STATUSES, given, isId, workableError, type Candidate, type CandidateFilter } from './api.js';

export type CandidateEvent = 'candidate_created' | 'candidate_moved';

/** The candidate a delivery carries: the body itself, or wrapped as `data` or `candidate`. */
export function candidateOf(body: unknown): Candidate | null {
  if (!body || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) return null;
  const b = body as Record<string, unknown>;
  for (const inner of [b.data, b.candidate]) {
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && isId((inner as Candidate).id)) return inner as Candidate;
  }
  return isId(b.id) ? (b) : null;
}

/** The item key: the candidate for "created"; the candidate, its stage and its update time for "moved". */
export function candidateKey(event: CandidateEvent, c: Candidate): string | null {
  if (!isId(c.id)) return null;
  if (event === 'candidate_created') return String(c.id);
  const stage = typeof c.stage === 'string' ? c.stage : '';
  const updatedAt = typeof c.updated_at === 'string' ? c.updated_at : '';
  return `${String(c.id)}:${stage}:${updatedAt}`;
}

// No `redeliveryDays`: Workable documents replays but not for how long; keep the markers.
export function candidateWebhook(event: CandidateEvent): WebhookSource<CandidateFilter> {
  return {
    kind: 'webhook',
    verification: URL_TOKEN,
    async register(ctx) {
      const args: Record<string, string> = {};
      const job = given(ctx.params.jobShortcode);
      const stage = event === 'candidate_moved' ? given(ctx.params.stageSlug) : undefined;
      if (job) args.job_shortcode = job;
      if (stage) args.stage_slug = stage;
      const target = hookUrlWithToken(ctx.hookUrl, ctx.secret);
      const res = await ctx.http.request<{ id?: unknown }>({ method: 'POST', path: '/subscriptions', json: { target, event, args }, allowStatus: ERROR_STATUSES });
      if (res.status === 404 && job) throw new ProviderError('permanent', `Workable has no job ${job} (jobShortcode) for this token`, 404);
      if (res.status === 403) throw new ProviderError('permanent', 'Workable refused to create the webhook subscription (403): check that the token has the r_candidates scope', 403);
      if (res.status >= 400) throw workableError(res, ctx.now(), 'Workable POST /subscriptions');
      const id = res.body?.id;
      if (!isId(id)) throw new ProviderError('transient', 'Workable created a subscription without answering its id');
      return { state: { subscriptionId: String(id) } };
    },
    async unregister(ctx) {
      const id = ctx.state.subscriptionId;
      if (!isId(id)) return;
      const res = await ctx.http.request({ method: 'DELETE', path: `/subscriptions/${encodeURIComponent(String(id))}`, allowStatus: ERROR_STATUSES });
      // Already removed at Workable: nothing left to do.
      if (res.status === 404) return;
      if (res.status >= 400) throw workableError(res, ctx.now(), 'Workable DELETE /subscriptions');
    },
    toItems(req: InboundRequest, ctx): Item[] {
      if (req.method.toUpperCase() !== 'POST') return [];
      const candidate = candidateOf(req.body);
      if (!candidate) return [];
      // Workable filters by job already; a candidate of another job is not this subscription's.
      const job = given(ctx.params.jobShortcode);
      const theirs = candidate.job && typeof candidate.job === 'object' ? candidate.job.shortcode : undefined;
      if (job && typeof theirs === 'string' && theirs.toUpperCase() !== job.toUpperCase()) return [];
      const key = candidateKey(event, candidate);
      if (key === null) return [];
      const at = typeof candidate.updated_at === 'string' ? Date.parse(candidate.updated_at) : NaN;
      return [{ key, payload: candidate, ...(Number.isFinite(at) ? { occurredAt: at } : {}) }];
    },
  };
}
