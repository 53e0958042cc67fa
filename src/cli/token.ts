import { SignJWT, importPKCS8 } from 'jose';
import { createPrivateKey } from 'node:crypto';

/** A user token as SPEC §2 describes: sub, iat, exp, aud = project id, signed RS256 or ES256. */
export async function mintUserToken(opts: { projectId: string; userId: string; privateKeyPem: string; ttlSeconds?: number; now?: number }): Promise<string> {
  const keyObject = createPrivateKey(opts.privateKeyPem);
  const alg = keyObject.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  const pkcs8 = keyObject.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = await importPKCS8(pkcs8, alg);
  const nowSec = Math.floor((opts.now ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setSubject(opts.userId)
    .setAudience(opts.projectId)
    .setIssuedAt(nowSec)
    .setExpirationTime(nowSec + (opts.ttlSeconds ?? 3600))
    .sign(key);
}
