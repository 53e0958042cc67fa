// Dashboard sessions: the operator signs in once with the admin token and gets a session cookie, so the
// token never has to live in the browser's JavaScript. Every state change made with the cookie must also
// carry the CSRF token (signed double-submit) and come from our own origin.
//
// Storage: the `meta` table holds one JSON document `dashboard_sessions` mapping SHA-256(session id) to
// its expiry and the admin-token hash it was opened with. One key keeps housekeeping trivial (expired
// entries are pruned on every write) and every API process sees sign-outs at once (PostgreSQL scale-out);
// writes use compare-and-set so concurrent sign-ins never lose each other.
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { ADMIN_TOKEN_HASH_KEY } from '../http/auth.js';
import type { Keyring } from '../secrets/keyring.js';
import { safeEqual, sha256Hex } from '../secrets/tokens.js';
import type { Storage } from '../storage/port.js';

export const SESSIONS_META_KEY = 'dashboard_sessions';
/** Absolute lifetime of a session; the operator signs in again after it. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** At most this many open sessions; the oldest are dropped first. */
const MAX_SESSIONS = 200;
export const CSRF_HEADER = 'x-csrf-token';

interface SessionRecord {
  /** expiry, epoch ms */
  exp: number;
  /** first 16 hex chars of the admin-token hash at sign-in: changing the admin token ends every session */
  adm: string;
}
type SessionMap = Record<string, SessionRecord>;

export interface CookieNames {
  session: string;
  csrf: string;
}

/** `__Host-` cookies are pinned to this host and path / and require Secure, so they are used over https. */
export function cookieNames(secure: boolean): CookieNames {
  return secure ? { session: '__Host-ot_session', csrf: '__Host-ot_csrf' } : { session: 'ot_session', csrf: 'ot_csrf' };
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export function serializeCookie(name: string, value: string, o: { httpOnly: boolean; secure: boolean; maxAgeSeconds: number }): string {
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${o.maxAgeSeconds}`,
    'SameSite=Strict',
    ...(o.httpOnly ? ['HttpOnly'] : []),
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

export interface DashboardSession {
  /** the hash of the session id (its key in the session map) */
  key: string;
  expiresAt: number;
  csrfToken: string;
}

export class SessionManager {
  constructor(
    private readonly storage: Storage,
    private readonly keyring: Keyring,
    /** Read on each use: tests learn their port, and so their public URL, after the app is built. */
    private readonly publicUrl: () => string,
    private readonly now: () => number,
  ) {}

  /** Cookies are Secure (and `__Host-` prefixed) when browsers reach the service over https. */
  get secure(): boolean {
    return this.publicUrl().startsWith('https:');
  }

  get names(): CookieNames {
    return cookieNames(this.secure);
  }

  /** The CSRF token of a session: an HMAC of the session id, so it needs no storage and is useless elsewhere. */
  private csrfFor(sessionId: string, key: Buffer): string {
    return createHmac('sha256', key).update(sessionId).digest('base64url');
  }

  private csrfKeys(): Buffer[] {
    return this.keyring.derivedKeys('dashboard-csrf');
  }

  private async adminHashPrefix(): Promise<string | null> {
    const h = await this.storage.meta.get(ADMIN_TOKEN_HASH_KEY);
    return h === null ? null : h.slice(0, 16);
  }

  private async readMap(): Promise<{ raw: string | null; map: SessionMap }> {
    const raw = await this.storage.meta.get(SESSIONS_META_KEY);
    if (raw === null) return { raw, map: {} };
    try {
      const parsed = JSON.parse(raw) as unknown;
      return { raw, map: parsed !== null && typeof parsed === 'object' ? (parsed as SessionMap) : {} };
    } catch {
      return { raw, map: {} };
    }
  }

  /** Read-modify-write of the session map with compare-and-set; retried when another writer got there first. */
  private async update(change: (map: SessionMap) => void): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const { raw, map } = await this.readMap();
      const now = this.now();
      for (const [k, v] of Object.entries(map)) if (v.exp <= now) delete map[k];
      change(map);
      const entries = Object.entries(map).sort((a, b) => b[1].exp - a[1].exp).slice(0, MAX_SESSIONS);
      const next = JSON.stringify(Object.fromEntries(entries));
      if (raw === null ? await this.storage.meta.setIfAbsent(SESSIONS_META_KEY, next) : await this.storage.meta.replace(SESSIONS_META_KEY, raw, next)) return;
    }
    throw new AppError('CONFLICT', 'too many concurrent session changes; try again');
  }

  /** Sign in: checks the admin token (the caller did), opens a session and sets both cookies. */
  async open(reply: FastifyReply): Promise<DashboardSession> {
    const sessionId = randomBytes(32).toString('base64url');
    const key = sha256Hex(sessionId);
    const exp = this.now() + SESSION_TTL_MS;
    const adm = (await this.adminHashPrefix()) ?? '';
    await this.update((map) => {
      map[key] = { exp, adm };
    });
    const csrfToken = this.csrfFor(sessionId, this.csrfKeys()[0] ?? Buffer.alloc(32));
    const maxAgeSeconds = Math.floor(SESSION_TTL_MS / 1000);
    reply.header('set-cookie', [
      serializeCookie(this.names.session, sessionId, { httpOnly: true, secure: this.secure, maxAgeSeconds }),
      // Readable by the page's script, which echoes it in the CSRF header (double submit).
      serializeCookie(this.names.csrf, csrfToken, { httpOnly: false, secure: this.secure, maxAgeSeconds }),
    ]);
    return { key, expiresAt: exp, csrfToken };
  }

  /** Sign out: the session is revoked server-side, and the cookies are cleared. */
  async close(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = this.sessionIdOf(req);
    if (id !== null) {
      const key = sha256Hex(id);
      await this.update((map) => {
        delete map[key];
      });
    }
    this.clearCookies(reply);
  }

  clearCookies(reply: FastifyReply): void {
    reply.header('set-cookie', [
      serializeCookie(this.names.session, '', { httpOnly: true, secure: this.secure, maxAgeSeconds: 0 }),
      serializeCookie(this.names.csrf, '', { httpOnly: false, secure: this.secure, maxAgeSeconds: 0 }),
    ]);
  }

  sessionIdOf(req: FastifyRequest): string | null {
    const v = parseCookies(req.headers.cookie).get(this.names.session);
    return v !== undefined && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
  }

  /** The live session the request's cookie names, or null (absent, unknown, expired, or the admin token changed). */
  async current(req: FastifyRequest): Promise<DashboardSession | null> {
    const id = this.sessionIdOf(req);
    if (id === null) return null;
    const key = sha256Hex(id);
    const [{ map }, adm] = await Promise.all([this.readMap(), this.adminHashPrefix()]);
    const rec = map[key];
    if (!rec || rec.exp <= this.now() || adm === null || !safeEqual(rec.adm, adm)) return null;
    return { key, expiresAt: rec.exp, csrfToken: this.csrfFor(id, this.csrfKeys()[0] ?? Buffer.alloc(32)) };
  }

  /**
   * What protects state changes made with the cookie: the request comes from our own origin (Origin, or
   * Referer when a browser omits Origin), and carries the CSRF token, which only our page can read.
   */
  checkStateChange(req: FastifyRequest): void {
    this.checkOrigin(req);
    const id = this.sessionIdOf(req);
    const header = req.headers[CSRF_HEADER];
    const given = typeof header === 'string' ? header : '';
    if (id === null || given === '' || !this.csrfKeys().some((k) => safeEqual(given, this.csrfFor(id, k)))) {
      throw new AppError('FORBIDDEN', `missing or invalid CSRF token (send the ${this.names.csrf} cookie's value in the ${CSRF_HEADER} header)`);
    }
  }

  checkOrigin(req: FastifyRequest): void {
    const origin = req.headers.origin ?? originOf(req.headers.referer);
    if (origin === undefined || origin === null || !this.originAllowed(origin, req)) {
      throw new AppError('FORBIDDEN', 'cross-origin request refused: the dashboard accepts changes only from its own origin');
    }
  }

  private originAllowed(origin: string, req: FastifyRequest): boolean {
    const ownOrigins = [originOf(this.publicUrl())];
    // The address the browser actually used (e.g. http://localhost:8080 while PUBLIC_URL names another host).
    const host = req.headers.host;
    if (host) ownOrigins.push(`${this.secure ? 'https' : req.protocol}://${host}`);
    return ownOrigins.includes(origin);
  }
}

export function originOf(url: string | undefined): string | null | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
