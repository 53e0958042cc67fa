// User tokens exactly as SPEC §2, and the admin token, through real HTTP.
import { generateKeyPairSync, createHmac } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintUserToken } from '../../src/cli/token.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestProject, type TestProject } from '../helpers/project.js';
import { startTestService, type TestService } from '../helpers/service.js';

const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const nowSec = () => Math.floor(Date.now() / 1000);

describe.each(DIALECTS)('authentication on %s', (dialect) => {
  let t: TestService;
  let project: TestProject;
  let other: TestProject;
  const triggers = (id: string, token: string) => t.admin.withToken(token).get(`/projects/${id}/triggers`);

  beforeAll(async () => {
    t = await startTestService({ dialect });
    project = await createTestProject(t.admin);
    other = await createTestProject(t.admin, { name: 'Other' });
  });
  afterAll(async () => {
    await t.stop();
  });

  async function sign(claims: Record<string, unknown>, opts: { alg?: 'RS256' | 'ES256'; pem?: string } = {}) {
    const alg = opts.alg ?? 'RS256';
    const key = await importPKCS8(opts.pem ?? project.privateKey, alg);
    return new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
  }

  it('accepts an RS256 token signed with a project key, and creates the user on first sight', async () => {
    const r = await triggers(project.id, await project.tokenFor('new-user@example.com'));
    expect(r.status).toBe(200);
    const user = await t.admin.get(`/admin/v1/projects/${project.id}/users/${encodeURIComponent('new-user@example.com')}`);
    expect(user.status).toBe(200);
  });

  it('accepts ES256 with an imported P-256 public key and aud forms naming the project', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const imported = await t.admin.post(`/admin/v1/projects/${project.id}/signing-keys`, { publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    expect(imported.status).toBe(201);
    expect(imported.body.algorithm).toBe('ES256');
    expect(imported.body.privateKey).toBeUndefined();
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const aud of [project.id, `https://actionkit.example.com/projects/${project.id}`, [`x`, project.id], undefined]) {
      const token = await sign({ sub: 'es-user', iat: nowSec(), exp: nowSec() + 60, ...(aud !== undefined ? { aud } : {}) }, { alg: 'ES256', pem });
      expect((await triggers(project.id, token)).status, JSON.stringify(aud)).toBe(200);
    }
  });

  it('refuses none, HS*, expired, future, missing claims, wrong aud, other projects and unknown keys with 401', async () => {
    const claims = { sub: 'u', iat: nowSec(), exp: nowSec() + 300 };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const hsInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}`;
    // HS256 keyed with the public key: the classic algorithm-confusion attack.
    const publicPem = (await t.admin.get(`/admin/v1/projects/${project.id}/signing-keys`)).body.signingKeys[0].publicKey as string;
    const hs = `${hsInput}.${createHmac('sha256', publicPem).update(hsInput).digest('base64url')}`;
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cases: Array<[string, string]> = [
      ['alg none', none],
      ['HS256', hs],
      ['expired beyond skew', await sign({ sub: 'u', iat: nowSec() - 3600, exp: nowSec() - 120 })],
      ['no exp', await sign({ sub: 'u', iat: nowSec() })],
      ['no iat', await sign({ sub: 'u', exp: nowSec() + 60 })],
      ['no sub', await sign({ iat: nowSec(), exp: nowSec() + 60 })],
      ['wrong aud', await sign({ ...claims, aud: 'another-project' })],
      ['aud suffix lookalike', await sign({ ...claims, aud: `evil${project.id}` })],
      ['unknown key', await sign(claims, { pem: stranger })],
      ['garbage', 'not.a.jwt'],
    ];
    for (const [name, token] of cases) {
      const r = await triggers(project.id, token);
      expect(r.status, name).toBe(401);
      expect(r.body).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
      expect(typeof r.body.meta.requestId, name).toBe('string');
    }
    // A valid token of one project is refused by another.
    expect((await triggers(other.id, await project.tokenFor('u'))).status).toBe(401);
    // Missing header, and an unknown project.
    expect((await t.admin.withToken('').get(`/projects/${project.id}/triggers`)).status).toBe(401);
    expect((await triggers('00000000-0000-4000-8000-000000000000', await project.tokenFor('u'))).status).toBe(401);
  });

  it('allows 60 s of clock skew', async () => {
    const token = await sign({ sub: 'u', iat: nowSec(), exp: nowSec() - 30 });
    expect((await triggers(project.id, token)).status).toBe(200);
  });

  it('stops accepting tokens of a deleted signing key', async () => {
    const k = await t.admin.post(`/admin/v1/projects/${project.id}/signing-keys`, {});
    const token = await mintUserToken({ projectId: project.id, userId: 'rotating', privateKeyPem: k.body.privateKey });
    expect((await triggers(project.id, token)).status).toBe(200);
    expect((await t.admin.delete(`/admin/v1/projects/${project.id}/signing-keys/${k.body.id}`)).status).toBe(200);
    expect((await triggers(project.id, token)).status).toBe(401);
  });

  it('guards the admin API with the admin token', async () => {
    const anon = t.admin.withToken('');
    expect((await anon.get('/admin/v1/projects')).status).toBe(401);
    expect((await t.admin.withToken('wrong-token-of-some-length').get('/admin/v1/projects')).status).toBe(401);
    // A user token is not an admin token.
    expect((await t.admin.withToken(await project.tokenFor('u')).get('/admin/v1/projects')).status).toBe(401);
    expect((await t.admin.get('/admin/v1/projects')).status).toBe(200);
  });
});
