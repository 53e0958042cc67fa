// ActiveCampaign posts webhooks as application/x-www-form-urlencoded with bracketed keys
// (`contact[email]=…&deal[stageid]=2&updated_fields[0]=stage`; https://developers.activecampaign.com/page/webhooks:
// "Each field option is sent as a POST parameter to your URL"). The triggers deliver them nested.

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/** Splits `a[b][c]` into `['a', 'b', 'c']`; null for a malformed or unsafe key. */
function segments(key: string): string[] | null {
  const open = key.indexOf('[');
  if (open === -1) return FORBIDDEN.has(key) || key === '' ? null : [key];
  const parts = [key.slice(0, open)];
  let rest = key.slice(open);
  while (rest !== '') {
    const m = /^\[([^[\]]*)\]/.exec(rest);
    if (!m) return null;
    parts.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return parts.some((p) => p === '' || FORBIDDEN.has(p)) ? null : parts;
}

/** The form body as a nested object of strings (`[0]` stays an object key `"0"`); a later field wins. */
export function parseActiveCampaignForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = segments(key);
    if (!path) continue;
    let node = root;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      node = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : (node[part] = {});
    }
    node[path[path.length - 1]!] = value;
  }
  return root;
}
