// Mailchimp posts webhooks as application/x-www-form-urlencoded with PHP-style bracketed keys
// (`type=subscribe&fired_at=2009-03-26+21%3A35%3A57&data[merges][FNAME]=Mailchimp`,
// https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/). The engine's parsed body keeps
// such keys flat; this turns them into the nested object the triggers deliver as payload.

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `a[b][c]=v` → `{a: {b: {c: 'v'}}}`. Every segment is an object key (`[0]` → `"0"`, as Mailchimp numbers
 * interest groupings). Keys with an empty segment (`a[]`) or a prototype name are dropped; a later value
 * replaces an earlier one at the same path.
 */
export function parseBracketForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    const path = m ? [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)] : [rawKey];
    if (path.some((p) => p === '' || UNSAFE.has(p))) continue;
    let node = out;
    for (const seg of path.slice(0, -1)) {
      const child = node[seg];
      if (child === null || typeof child !== 'object') node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    node[path.at(-1)!] = value;
  }
  return out;
}
