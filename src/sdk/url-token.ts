// Providers that sign nothing and let us choose no secret (Mailchimp, ActiveCampaign, Basecamp, Eventbrite, Jotform,
// Wrike): the URL registered with them carries the subscription's fresh random secret as `?token=`, checked in
// constant time by the sharedSecret scheme. It proves that the sender knows the URL, not who the sender is; each
// integration's doc says what that leaves open.
import type { SharedSecretScheme } from './verify/index.js';

const TOKEN_PARAM = 'token';

/** Verification for a hook URL made by `hookUrlWithToken`. */
export const URL_TOKEN: SharedSecretScheme = { kind: 'sharedSecret', queryParam: TOKEN_PARAM };

/** `hookUrl` with the subscription's secret as the `token` query parameter, as `URL_TOKEN` reads it. */
export function hookUrlWithToken(hookUrl: string, secret: string): string {
  const url = new URL(hookUrl);
  url.searchParams.set(TOKEN_PARAM, secret);
  return url.toString();
}
