// Jotform API v1 calls shared by the triggers, and Jotform's answer shape.
//
// Every answer is `{responseCode, message, content, duration, limit-left}` (https://api.jotform.com/docs/);
// `limit-left` counts down the account's daily API call allowance (Starter 1,000 a day, resetting at midnight
// EST: https://www.jotform.com/help/406-daily-api-call-limits/).
import { ProviderError, providerErrorFor, type HttpClient, type HttpResponse, type ParameterDefinition } from '../../sdk/index.js';

export interface JotformEnvelope<T> {
  responseCode?: number;
  message?: string;
  content?: T;
  'limit-left'?: number;
}

/** When the daily allowance is spent Jotform answers 429 without Retry-After; the allowance resets within a day. */
const DAILY_LIMIT_PAUSE_MS = 60 * 60 * 1000;

/** The provider's message in an error (never the API key: it travels in a header, not in the answer). */
export function jotformError(res: HttpResponse<unknown>, now: number): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as JotformEnvelope<unknown>;
  const message = typeof body.message === 'string' && body.message !== '' ? `: ${body.message.slice(0, 300)}` : '';
  return providerErrorFor(res, `Jotform ${res.status}${message}`, { now, rateLimitPauseMs: DAILY_LIMIT_PAUSE_MS });
}

/** GET a Jotform path and return its `content`, mapping refusals to ProviderError with Jotform's message. */
export async function jotformGet<T>(http: HttpClient, path: string, query: Record<string, string | number | undefined>, now: number): Promise<T | undefined> {
  const res = await http.request<JotformEnvelope<T>>({ path, query, allowStatus: [400, 401, 403, 404, 429] });
  if (res.status >= 400) throw jotformError(res, now);
  return res.body?.content;
}

/** Form ids are long decimal numbers (e.g. 230583697150159, the last part of the form's URL). */
export const FORM_ID = /^\d{5,20}$/;

export const formIdParameter: ParameterDefinition = {
  id: 'formId',
  title: 'Form ID',
  type: 'TEXT',
  required: true,
  description: 'The form whose submissions to watch: the number at the end of the form URL (https://form.jotform.com/230583697150159) or in the Form Builder address.',
  placeholder: '230583697150159',
  validate: (v) => (typeof v === 'string' && FORM_ID.test(v) ? null : 'formId must be a Jotform form id: digits only, e.g. 230583697150159'),
};

/**
 * Jotform writes times as `YYYY-MM-DD HH:MM:SS` (no zone; the account's time zone). `shiftSeconds` moves such a
 * time by whole seconds without reading a zone into it, so a cursor can step back one second.
 */
export function shiftJotformTime(value: string, seconds: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) + seconds * 1000;
  return new Date(t).toISOString().replace('T', ' ').slice(0, 19);
}

export const isJotformTime = (v: unknown): v is string => typeof v === 'string' && shiftJotformTime(v, 0) === v;
