// Authentication: user tokens (JWT signed with one of the project's signing keys, SPEC §2) and the
// admin token (compared against its stored SHA-256 hash in constant time).
import { importSPKI, jwtVerify, decodeProtectedHeader, type CryptoKey, type KeyObject } from 'jose';
import { AppError } from '../errors.js';
import { safeEqual, sha256Hex } from '../secrets/tokens.js';
import type { Storage } from '../storage/port.js';

export const ALLOWED_USER_TOKEN_ALGS = ['RS256', 'ES256'] as const;
const CLOCK_SKEW_SECONDS = 60;

export interface UserPrincipal {
  projectId: string;
  userId: string;
}

const unauthorized = (why: string) => new AppError('UNAUTHORIZED', why);

export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

function audienceMatches(aud: unknown, projectId: string): boolean {
  const auds = Array.isArray(aud) ? aud : [aud];
  return auds.some((a) => typeof a === 'string' && (a === projectId || a.endsWith(`/${projectId}`)));
}

export class UserTokenVerifier {
  // Imported keys by signing-key id and algorithm; keys are immutable, so caching is safe.
  private readonly keyCache = new Map<string, CryptoKey | KeyObject>();

  constructor(private readonly storage: Storage) {}

  async verify(projectId: string, token: string): Promise<UserPrincipal> {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw unauthorized('user token is not a JWT');
    }
    if (alg === undefined || !(ALLOWED_USER_TOKEN_ALGS as readonly string[]).includes(alg)) {
      throw unauthorized(`user token algorithm ${alg ?? 'none'} is not accepted (use RS256 or ES256)`);
    }
    const keys = await this.storage.signingKeys.list(projectId);
    if (keys.length === 0) throw unauthorized('the project has no signing key, or does not exist');
    let lastReason = 'signature does not match any signing key of this project';
    for (const k of keys) {
      if (k.algorithm !== alg) continue;
      const cacheKey = `${k.id}:${alg}`;
      let key = this.keyCache.get(cacheKey);
      if (!key) {
        try {
          key = await importSPKI(k.publicKey, alg);
        } catch {
          continue;
        }
        this.keyCache.set(cacheKey, key);
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [alg],
          clockTolerance: CLOCK_SKEW_SECONDS,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        if (typeof payload.sub !== 'string' || payload.sub === '') throw unauthorized('user token needs a sub claim');
        if (payload.sub.length > 255) throw unauthorized('user token sub is longer than 255 characters');
        if (payload.aud !== undefined && !audienceMatches(payload.aud, projectId)) {
          throw unauthorized('user token aud does not name this project');
        }
        return { projectId, userId: payload.sub };
      } catch (err) {
        if (err instanceof AppError) throw err;
        const code = (err as { code?: string }).code;
        if (code === 'ERR_JWT_EXPIRED') throw unauthorized('user token has expired');
        if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
          throw unauthorized(`user token claim check failed: ${(err as Error).message}`);
        }
        if (code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') lastReason = (err as Error).message;
      }
    }
    throw unauthorized(`user token rejected: ${lastReason}`);
  }
}

export const ADMIN_TOKEN_HASH_KEY = 'admin_token_sha256';

export class AdminTokenVerifier {
  private hash: string | null = null;
  constructor(private readonly storage: Storage) {}

  async check(token: string | null): Promise<void> {
    if (token === null) throw unauthorized('missing admin token (Authorization: Bearer <token>)');
    this.hash ??= await this.storage.meta.get(ADMIN_TOKEN_HASH_KEY);
    if (this.hash === null || !safeEqual(sha256Hex(token), this.hash)) throw unauthorized('invalid admin token');
  }
}
