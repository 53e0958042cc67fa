// The opentriggers command, run as a real process.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createLocalJWKSet, decodeJwt, exportJWK, jwtVerify } from 'jose';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = ['--import', 'tsx', 'src/cli/index.ts'];
const dir = mkdtempSync(join(tmpdir(), 'ot-cli-'));
const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'db', 'ot.db')}`, LOG_LEVEL: 'warn', OPENTRIGGERS_ADMIN_TOKEN: '' };
const cli = (args: string[], extraEnv: Record<string, string> = {}) => run(process.execPath, [...CLI, ...args], { env: { ...env, ...extraEnv }, cwd: process.cwd() });

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** Start the service and collect stdout until it says it is listening. */
async function start(port: number): Promise<{ stdout: string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [...CLI, 'start'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' } });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!stdout.includes('listening on') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  if (!stdout.includes('listening on')) throw new Error(`did not start: ${stdout}`);
  return {
    stdout,
    stop: () => new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    }),
  };
}

// Each case spawns the service (twice in the first): on a loaded machine a start alone can take seconds.
describe('opentriggers CLI', { timeout: 90_000 }, () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, then reports the database up to date', async () => {
    expect((await cli(['migrate'])).stdout).toContain('applied migrations: 1, 2');
    expect((await cli(['migrate'])).stdout).toContain('database is up to date');
  });

  it('lists the catalog as text and JSON', async () => {
    const text = (await cli(['catalog'])).stdout;
    expect(text).toContain('GITHUB_TRIGGER_ISSUE_CREATED');
    const json = JSON.parse((await cli(['catalog', '--json'])).stdout) as Array<{ key: string; triggers: unknown[] }>;
    expect(json.map((i) => i.key)).toEqual(expect.arrayContaining(['slack', 'github', 'googleCalendar', 'salesforce']));
  });

  it('mints a user token that verifies with the public key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const token = (await cli(['token', '--project', 'p-1', '--user', 'alice', '--key', keyFile, '--ttl', '120'])).stdout.trim();
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), alg: 'RS256' }] });
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { audience: 'p-1' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe('alice');
    expect(Number(payload.exp) - Number(payload.iat)).toBe(120);
    expect(decodeJwt(token).aud).toBe('p-1');
    await expect(cli(['token', '--project', 'p-1'])).rejects.toMatchObject({ code: 2 });
  });

  it('starts on SQLite, prints the generated admin token once, keeps the key private, and stops on SIGTERM', async () => {
    const port = await freePort();
    const first = await start(port);
    const token = /ot_admin_[A-Za-z0-9_-]+/.exec(first.stdout)?.[0];
    expect(token).toBeDefined();
    const res = await request(`http://127.0.0.1:${port}/admin/v1/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect(await first.stop()).toBe(0);
    expect(statSync(join(dir, 'db', 'encryption.key')).mode & 0o777).toBe(0o600);
    const second = await start(port);
    expect(second.stdout).not.toContain('ot_admin_');
    await second.stop();
  });

  it('refuses an unknown role and bad configuration clearly', async () => {
    await expect(cli(['start', '--role', 'boss'])).rejects.toMatchObject({ code: 2 });
    await expect(cli(['start'], { OPENTRIGGERS_RETRY_SCHEDULE: 'soon' })).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('OPENTRIGGERS_RETRY_SCHEDULE') });
  });
});
