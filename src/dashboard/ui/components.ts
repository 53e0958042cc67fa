/// <reference lib="dom" />
// Small shared pieces: data loading, buttons that show progress, copy buttons, status badges, JSON blocks,
// empty states, the toast region and a modal dialog built on <dialog> (focus trap and Escape for free).
import { h, type ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from './api.js';

// ── data ───────────────────────────────────────────────────────────────────────────────────────────────

export interface Async<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
  setData: (v: T) => void;
}

/** Load data when `deps` change; `reload` fetches again without clearing what is shown. */
export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  // Callers pass the deps of fn explicitly (as with useCallback).
  const run = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const v = await fn();
      if (mine === seq.current) {
        setData(v);
        setError(null);
      }
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    setData(undefined);
    void run();
  }, [run]);
  return { data, error, loading, reload: run, setData };
}

// ── toasts ─────────────────────────────────────────────────────────────────────────────────────────────

type ToastKind = 'ok' | 'error' | 'info';
let pushToast: (m: string, k: ToastKind) => void = () => undefined;

export function toast(message: string, kind: ToastKind = 'ok'): void {
  pushToast(message, kind);
}

export function Toasts() {
  const [items, setItems] = useState<Array<{ id: number; message: string; kind: ToastKind }>>([]);
  useEffect(() => {
    let next = 1;
    pushToast = (message, kind) => {
      const id = next++;
      setItems((xs) => [...xs.slice(-3), { id, message, kind }]);
      setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== id)), kind === 'error' ? 8000 : 4000);
    };
  }, []);
  return h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' },
    items.map((t) => h('div', { key: t.id, class: `toast toast-${t.kind}` }, t.message)));
}

// ── controls ───────────────────────────────────────────────────────────────────────────────────────────

export function Button(props: {
  onClick?: () => unknown;
  kind?: 'primary' | 'secondary' | 'danger' | 'ghost';
  type?: 'button' | 'submit';
  disabled?: boolean;
  busy?: boolean;
  small?: boolean;
  label?: string;
  title?: string;
  id?: string;
  children?: ComponentChildren;
}) {
  const [running, setRunning] = useState(false);
  const busy = props.busy === true || running;
  return h('button', {
    id: props.id,
    type: props.type ?? 'button',
    class: `btn btn-${props.kind ?? 'secondary'}${props.small ? ' btn-small' : ''}`,
    disabled: props.disabled === true || busy,
    'aria-busy': busy ? 'true' : undefined,
    'aria-label': props.label,
    title: props.title,
    onClick: props.onClick
      ? async () => {
        setRunning(true);
        try {
          await props.onClick?.();
        } finally {
          setRunning(false);
        }
      }
      : undefined,
  }, props.children);
}

export async function copyText(text: string, what = 'Copied'): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(`${what} to the clipboard`);
  } catch {
    // Clipboard access needs a secure context; fall back to a hidden textarea.
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    const ok = document.execCommand('copy');
    ta.remove();
    toast(ok ? `${what} to the clipboard` : 'Copy failed: select the text and copy it by hand', ok ? 'ok' : 'error');
  }
}

export function CopyButton(props: { text: string | (() => Promise<string>); label: string; small?: boolean; children?: ComponentChildren }) {
  return h(Button, {
    small: props.small ?? true,
    label: props.label,
    onClick: async () => copyText(typeof props.text === 'string' ? props.text : await props.text(), 'Copied'),
  }, props.children ?? 'Copy');
}

/** A read-only value with a copy button (URLs to paste into a provider's console). */
export function CopyField(props: { id: string; label: string; value: string; hint?: string }) {
  return h('div', { class: 'field' },
    h('label', { for: props.id }, props.label),
    h('div', { class: 'input-row' },
      h('input', { id: props.id, value: props.value, readOnly: true, class: 'mono', onFocus: (e: FocusEvent) => (e.currentTarget as HTMLInputElement).select() }),
      h(CopyButton, { text: props.value, label: `Copy ${props.label}` })),
    props.hint ? h('p', { class: 'hint' }, props.hint) : null);
}

const STATUS_CLASS: Record<string, string> = {
  ACTIVE: 'ok', VALID: 'ok', DELIVERED: 'ok', succeeded: 'ok', SUCCEEDED: 'ok',
  ERRORED: 'bad', INVALID: 'bad', FAILED: 'bad', failed: 'bad',
  PENDING: 'wait', SENDING: 'wait', retry: 'wait', HELD: 'held',
};

export function StatusBadge(props: { status: string }) {
  return h('span', { class: `badge badge-${STATUS_CLASS[props.status] ?? 'neutral'}` }, props.status);
}

export function Badge(props: { children?: ComponentChildren; kind?: string }) {
  return h('span', { class: `badge badge-${props.kind ?? 'neutral'}` }, props.children);
}

export function ErrorBox(props: { message: string | null | undefined; onRetry?: () => unknown }) {
  if (!props.message) return null;
  return h('div', { class: 'alert alert-error', role: 'alert' },
    h('span', null, props.message),
    props.onRetry ? h(Button, { small: true, onClick: props.onRetry }, 'Try again') : null);
}

export function Empty(props: { title: string; children?: ComponentChildren }) {
  return h('div', { class: 'empty' }, h('p', { class: 'empty-title' }, props.title), props.children ? h('div', { class: 'empty-body' }, props.children) : null);
}

export function Loading(props: { what?: string }) {
  return h('p', { class: 'loading', role: 'status' }, `Loading${props.what ? ` ${props.what}` : ''}…`);
}

export function Section(props: { id?: string; title: string; intro?: ComponentChildren; actions?: ComponentChildren; children?: ComponentChildren }) {
  const headingId = `${props.id ?? props.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-heading`;
  return h('section', { class: 'card', id: props.id, 'aria-labelledby': headingId },
    h('div', { class: 'card-head' },
      h('h2', { id: headingId }, props.title),
      props.actions ? h('div', { class: 'card-actions' }, props.actions) : null),
    props.intro ? h('div', { class: 'intro' }, props.intro) : null,
    props.children);
}

export function JsonBlock(props: { value: unknown; label: string }) {
  const text = JSON.stringify(props.value, null, 2) ?? 'null';
  return h('div', { class: 'json' },
    h('div', { class: 'json-head' }, h('span', null, props.label), h(CopyButton, { text, label: `Copy ${props.label}` })),
    h('pre', { tabIndex: 0, 'aria-label': props.label }, h('code', null, text)));
}

/** A modal dialog; Escape or the close button calls onClose. */
export function Modal(props: { title: string; onClose: () => void; children?: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return h('dialog', {
    ref,
    class: `modal${props.wide ? ' modal-wide' : ''}`,
    'aria-labelledby': 'modal-title',
    onCancel: (e: Event) => {
      e.preventDefault();
      props.onClose();
    },
  },
  h('div', { class: 'modal-head' },
    h('h2', { id: 'modal-title' }, props.title),
    h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': 'Close', onClick: props.onClose }, '✕')),
  h('div', { class: 'modal-body' }, props.children));
}

// ── formatting ─────────────────────────────────────────────────────────────────────────────────────────

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function relTime(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function Time(props: { iso: string | null | undefined; relative?: boolean }) {
  if (!props.iso) return h('span', { class: 'muted' }, props.relative ? 'never' : '—');
  return h('time', { dateTime: props.iso, title: fmtDate(props.iso) }, props.relative ? relTime(props.iso) : fmtDate(props.iso));
}

export const shortId = (id: string) => id.slice(0, 8);

export const inputValue = (e: Event) => (e.currentTarget as HTMLInputElement).value;
export const inputChecked = (e: Event) => (e.currentTarget as HTMLInputElement).checked;
