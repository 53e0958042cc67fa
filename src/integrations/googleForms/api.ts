// Google Forms API v1 (forms.googleapis.com): forms.get to check the form at subscribe time, and
// forms.responses.list with its `timestamp >= T` filter for the new-response poll.
//   https://developers.google.com/workspace/forms/api/reference/rest/v1/forms/get
//   https://developers.google.com/workspace/forms/api/reference/rest/v1/forms.responses/list
import { ProviderError, type HttpClient } from '../../sdk/index.js';
import { googleErrorMessage, googleRequest } from '../../sdk/providers/google.js';

export const RESPONSES_LIST_DOCS = 'https://developers.google.com/workspace/forms/api/reference/rest/v1/forms.responses/list';

export interface FormsParams {
  formId: string;
}

/** Form ids are URL-safe base64-like strings (…/forms/d/<id>/edit). */
const FORM_ID = /^[A-Za-z0-9_-]{10,200}$/;

export function validateFormId(v: unknown): string | null {
  if (typeof v !== 'string' || !FORM_ID.test(v)) {
    return 'must be a form id: the letters, digits, "-" and "_" between /d/ and /edit in https://docs.google.com/forms/d/<id>/edit';
  }
  return null;
}

export interface FormResponse {
  responseId: string;
  createTime?: string;
  lastSubmittedTime?: string;
  respondentEmail?: string;
  totalScore?: number;
  answers?: Record<string, unknown>;
  [k: string]: unknown;
}

const notFound = (formId: string, body: unknown) =>
  new ProviderError('permanent', `Google Forms: form ${formId} not found or not shared with this account (Google: ${googleErrorMessage(body) || 'not found'})`, 404);

/** forms.get: the form's title; a permanent error naming the form when Google answers 404. */
export async function getForm(http: HttpClient, formId: string): Promise<{ formId: string; title: string }> {
  const res = await googleRequest<{ formId?: unknown; info?: { title?: unknown; documentTitle?: unknown } }>(http, {
    path: `/v1/forms/${encodeURIComponent(formId)}`,
    allowStatus: [404],
  });
  if (res.status === 404) throw notFound(formId, res.body);
  const info = res.body?.info;
  const title = typeof info?.title === 'string' ? info.title : typeof info?.documentTitle === 'string' ? info.documentTitle : '';
  return { formId, title };
}

/** One page of forms.responses.list with `filter=timestamp >= since`. */
export async function listResponses(
  http: HttpClient,
  formId: string,
  req: { since: string; pageSize: number; pageToken?: string },
): Promise<{ responses: FormResponse[]; next?: string }> {
  const query: Record<string, string> = { filter: `timestamp >= ${req.since}`, pageSize: String(req.pageSize) };
  if (req.pageToken) query.pageToken = req.pageToken;
  const res = await googleRequest<{ responses?: unknown; nextPageToken?: unknown }>(http, {
    path: `/v1/forms/${encodeURIComponent(formId)}/responses`,
    query,
    allowStatus: [404],
  });
  if (res.status === 404) throw notFound(formId, res.body);
  const list = Array.isArray(res.body?.responses) ? (res.body.responses as unknown[]) : [];
  const responses = list.filter((r): r is FormResponse => typeof (r as FormResponse | null)?.responseId === 'string');
  const next = typeof res.body?.nextPageToken === 'string' && res.body.nextPageToken !== '' ? res.body.nextPageToken : undefined;
  return next === undefined ? { responses } : { responses, next };
}

/**
 * An RFC 3339 "Zulu" timestamp with its fraction padded to nine digits, so that two of them compare as
 * strings (Google writes 0, 3, 6 or 9 fractional digits: "…09.055Z" and "…09.055199Z"). null when unparsable.
 */
export function normalizeTimestamp(ts: unknown): string | null {
  if (typeof ts !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(ts);
  if (!m || Number.isNaN(Date.parse(`${m[1]}Z`))) return null;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z`;
}

/** Epoch ms as a normalized timestamp (nine fractional digits). */
export function timestampOf(ms: number): string {
  return normalizeTimestamp(new Date(ms).toISOString())!;
}
