// Calendly API v2 calls the triggers make, and Calendly's error shapes.
import { ProviderError, type HttpClient, type HttpResponse } from '../../sdk/index.js';

interface CalendlyErrorBody {
  title?: string;
  message?: string;
  details?: Array<{ parameter?: string; message?: string }>;
}

/**
 * Calendly answers `{title, message, details?}`. 429 carries `X-RateLimit-Reset` (seconds until the window
 * resets, on every response); 401 never reaches here unless a refresh did not help (the HTTP client refreshes
 * once); 403 is a permission, scope or plan refusal; 409 a webhook that already exists for this URL.
 */
export function calendlyError(res: HttpResponse<unknown>): ProviderError {
  const body = (res.body && typeof res.body === 'object' ? res.body : {}) as CalendlyErrorBody;
  const details = (body.details ?? []).map((d) => [d.parameter, d.message].filter(Boolean).join(' ')).filter(Boolean);
  const text = `Calendly ${res.status}${body.title ? ` ${body.title}` : ''}${body.message ? `: ${body.message}` : ''}${details.length ? ` (${details.join('; ')})` : ''}`;
  if (res.status === 429) {
    const reset = Number(res.headers['x-ratelimit-reset']);
    return new ProviderError('rate_limited', text, 429, Number.isFinite(reset) && reset >= 0 ? Math.max(1, reset) * 1000 : 60_000);
  }
  if (res.status === 401) return new ProviderError('auth', text, 401);
  if (res.status >= 500) return new ProviderError('transient', text, res.status);
  return new ProviderError('permanent', text, res.status);
}

export interface CalendlyUser {
  uri: string;
  current_organization: string;
  name?: string;
  email?: string;
}

/** `GET /users/me`: the user URI and their current organization URI (both needed to create webhook subscriptions). */
export async function currentUser(http: HttpClient): Promise<CalendlyUser> {
  const res = await http.request<{ resource?: CalendlyUser }>({ path: '/users/me', allowStatus: [403, 429] });
  if (res.status >= 400) throw calendlyError(res);
  const user = res.body?.resource;
  if (!user || typeof user.uri !== 'string' || typeof user.current_organization !== 'string') {
    throw new ProviderError('permanent', 'Calendly /users/me answered without uri and current_organization');
  }
  return user;
}

const WEBHOOK_URI = /^https?:\/\/[^/]+(\/webhook_subscriptions\/[A-Za-z0-9-]{1,64})$/;

/** The API path of a webhook subscription from its URI (`https://api.calendly.com/webhook_subscriptions/{uuid}`). */
export function webhookPath(uri: unknown): string | null {
  if (typeof uri !== 'string') return null;
  const m = WEBHOOK_URI.exec(uri);
  return m ? m[1]! : null;
}
