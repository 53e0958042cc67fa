// Any change to a candidate (profile, stage, disqualification, …): Workable has no webhook for updates, so the trigger
// polls `GET /candidates?updated_after=` (ISO 8601; `limit` up to 100; `paging.next` is the URL of the next page)
// (https://workable.readme.io/reference/job-candidates-index).
//
// Baseline (cursor null): one page updated in the last five minutes; recorded, not delivered; the cursor is the newest
// `updated_at` read (or that start). Later polls ask for candidates updated after one second before the cursor
// (the window overlaps: what shares the cursor's second is read again and deduplicated by `id:updated_at`), follow
// `paging.next` up to MAX_PAGES pages, and move the cursor to the newest `updated_at` read.
import { defineTrigger, type HttpResponse, type Item, type PollContext, type PollResult } from '../../../sdk/index.js';
import { ERROR_STATUSES, given, isId, jobShortcodeParameter, workableError, type Candidate, type CandidateFilter } from '../api.js';
import candidate from '../fixtures/candidate.json' with { type: 'json' };

const PAGE_SIZE = 100;
const MAX_PAGES = 10;
const BASELINE_WINDOW_MS = 5 * 60 * 1000;

interface Page {
  candidates?: unknown;
  paging?: { next?: unknown } | null;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function pollUpdatedCandidates(ctx: PollContext<CandidateFilter>): Promise<PollResult> {
  const raw = ctx.cursor as { since?: unknown } | null;
  const sinceMs = raw && typeof raw.since === 'string' ? Date.parse(raw.since) : NaN;
  const baseline = ctx.cursor === null || !Number.isFinite(sinceMs);
  const start = baseline ? ctx.now() - BASELINE_WINDOW_MS : sinceMs - 1000;
  let newest = baseline ? start : sinceMs;
  const items: Item[] = [];
  const job = given(ctx.params.jobShortcode);

  let next: { path: string; query?: Record<string, string | number> } | null = {
    path: '/candidates',
    query: { updated_after: iso(start), limit: PAGE_SIZE, ...(job ? { shortcode: job } : {}) },
  };
  for (let page = 0; next && page < (baseline ? 1 : MAX_PAGES); page++) {
    const res: HttpResponse<Page> = await ctx.http.request<Page>({ path: next.path, query: next.query, allowStatus: ERROR_STATUSES });
    if (res.status >= 400) throw workableError(res, ctx.now(), 'Workable GET /candidates');
    const list: Candidate[] = Array.isArray(res.body?.candidates) ? (res.body.candidates as Candidate[]) : [];
    for (const c of list) {
      if (!c || typeof c !== 'object' || !isId(c.id) || typeof c.updated_at !== 'string') continue;
      const at = Date.parse(c.updated_at);
      if (Number.isFinite(at) && at > newest) newest = at;
      items.push({ key: `${String(c.id)}:${c.updated_at}`, payload: c, ...(Number.isFinite(at) ? { occurredAt: at } : {}) });
    }
    const link: unknown = res.body?.paging?.next;
    next = typeof link === 'string' && link !== '' && list.length > 0 ? { path: link } : null;
  }
  // An unreadable cursor starts over like a baseline: what it reads is recorded, not delivered.
  return { items: baseline && ctx.cursor !== null ? [] : items, cursor: { v: 1, since: iso(newest) } };
}

export const candidateUpdatedTrigger = defineTrigger<CandidateFilter>({
  type: 'WORKABLE_TRIGGER_CANDIDATE_UPDATED',
  title: 'Candidate updated',
  description:
    'Fires when a candidate changes in Workable (details, stage, disqualification, hiring), optionally only for one job. Polls the candidates updated since the last poll; delivers the candidate as GET /candidates lists it. One event per candidate and update time.',
  parameters: [jobShortcodeParameter],
  examplePayload: candidate,
  docsUrl: 'https://workable.readme.io/reference/job-candidates-index',
  source: { kind: 'poll', poll: pollUpdatedCandidates },
});
