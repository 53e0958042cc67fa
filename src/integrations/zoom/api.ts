// The one Zoom API call: who connected. GET /users/me names the user and the Zoom account (`account_id`),
// which is what event notifications carry in `payload.account_id`.
// https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId} ("me" for the token's user).
// Failures are classified by the SDK's HTTP client (401 → auth, 429 → rate_limited with Retry-After,
// 5xx → transient).
import { ProviderError, type HttpClient } from '../../sdk/index.js';

interface ZoomMe {
  id?: string;
  account_id?: string;
  email?: string;
}

export async function zoomAccount(http: HttpClient): Promise<{ providerAccountId: string; extra: Record<string, unknown> }> {
  const me = await http.get<ZoomMe>('/users/me');
  if (typeof me?.account_id !== 'string' || me.account_id === '') {
    throw new ProviderError('permanent', 'Zoom GET /users/me answered without account_id');
  }
  return {
    providerAccountId: me.account_id,
    extra: { account_id: me.account_id, ...(typeof me.id === 'string' ? { user_id: me.id } : {}), ...(typeof me.email === 'string' ? { email: me.email } : {}) },
  };
}
