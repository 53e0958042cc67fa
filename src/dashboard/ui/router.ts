/// <reference lib="dom" />
// Path routing under /dashboard with the History API: links are real links (open in a new tab works),
// and every page has a URL that can be shared.
import { h, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/dashboard';

export interface Loc {
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();
const current = (): Loc => ({ path: location.pathname.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) });

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** Change the query of the current page (filters) without adding a history entry per keystroke. */
export function setQuery(params: Record<string, string | undefined>, opts: { replace?: boolean } = { replace: true }): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(`${location.pathname}${s ? `?${s}` : ''}`, opts);
}

export function useLocation(): Loc {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return loc;
}

export function Link(props: { href: string; class?: string; children?: ComponentChildren; 'aria-current'?: 'page' | undefined; title?: string }) {
  return h('a', {
    href: props.href,
    class: props.class,
    title: props.title,
    'aria-current': props['aria-current'],
    onClick: (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(props.href);
    },
  }, props.children);
}

export const projectPath = (projectId: string, page: string) => `${BASE}/projects/${encodeURIComponent(projectId)}/${page}`;
