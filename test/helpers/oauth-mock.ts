// A real OAuth 2 authorization server for tests (oauth2-mock-server), configured the way providers behave:
// it checks the client credentials, issues access tokens with a chosen lifetime, ROTATES refresh tokens
// (a used refresh token is refused afterwards) and can be told to refuse every refresh with invalid_grant.
// Every token request is recorded, so tests can count them. An optional delay in front of the token
// endpoint widens race windows for single-flight tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Server } from 'oauth2-mock-server';
import { request } from 'undici';

export interface TokenRequestRecord {
  grantType: string;
  params: Record<string, string>;
  status: number;
}

export interface MockOAuth {
  /** The authorization endpoint the browser is sent to. */
  authorizeUrl: string;
  /** The token endpoint to configure as the integration's tokenUrl (through the delaying front). */
  tokenUrl: string;
  tokenRequests: TokenRequestRecord[];
  /** Access tokens issued, in order, with the grant that produced them. */
  issued: Array<{ grantType: string; accessToken: string; refreshToken: string }>;
  /** Refresh tokens the server accepts right now (each is single use: rotation). */
  validRefreshTokens: Set<string>;
  /** Lifetime of issued access tokens, seconds. */
  expiresIn: number;
  /** Refuse every refresh_token grant with 400 invalid_grant (a revoked grant). */
  refuseRefresh: boolean;
  /** Milliseconds the token endpoint waits before answering. */
  tokenDelayMs: number;
  /** Called with every access token issued (e.g. to let a fake provider accept it). */
  onAccessToken?: (token: string, grantType: string) => void;
  /** The next authorization redirects back with this error instead of a code (denied consent). */
  denyNextAuthorization(error: string, description: string): void;
  refreshRequests(): TokenRequestRecord[];
  close(): Promise<void>;
}

export async function startMockOAuth(opts: { clientId: string; clientSecret: string }): Promise<MockOAuth> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const issuer = server.issuer.url ?? '';
  let deny: { error: string; description: string } | null = null;

  const mock: MockOAuth = {
    authorizeUrl: `${issuer}/authorize`,
    tokenUrl: '',
    tokenRequests: [],
    issued: [],
    validRefreshTokens: new Set(),
    expiresIn: 3600,
    refuseRefresh: false,
    tokenDelayMs: 0,
    denyNextAuthorization(error, description) {
      deny = { error, description };
    },
    refreshRequests: () => mock.tokenRequests.filter((r) => r.grantType === 'refresh_token'),
    close: async () => {
      front.closeAllConnections();
      await new Promise<void>((r) => front.close(() => r()));
      await server.stop();
    },
  };

  server.service.on('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
    if (!deny) return;
    redirect.url.searchParams.delete('code');
    redirect.url.searchParams.set('error', deny.error);
    redirect.url.searchParams.set('error_description', deny.description);
    deny = null;
  });

  server.service.on('beforeResponse', (res: { body: Record<string, unknown>; statusCode: number }, req: { body: Record<string, string> }) => {
    const params = { ...req.body };
    const record: TokenRequestRecord = { grantType: params.grant_type ?? '', params, status: 200 };
    mock.tokenRequests.push(record);
    const refuse = (status: number, error: string, description: string) => {
      res.statusCode = status;
      res.body = { error, error_description: description };
      record.status = status;
    };
    if (params.client_id !== opts.clientId || params.client_secret !== opts.clientSecret) return refuse(401, 'invalid_client', 'bad client credentials');
    if (params.grant_type === 'refresh_token') {
      if (mock.refuseRefresh) return refuse(400, 'invalid_grant', 'the refresh token was revoked');
      // Rotation: each refresh token works once.
      if (!mock.validRefreshTokens.delete(params.refresh_token ?? '')) return refuse(400, 'invalid_grant', 'unknown or already used refresh token');
    }
    if (res.statusCode !== 200) {
      record.status = res.statusCode;
      return;
    }
    res.body.expires_in = mock.expiresIn;
    const accessToken = String(res.body.access_token);
    const refreshToken = String(res.body.refresh_token);
    mock.validRefreshTokens.add(refreshToken);
    mock.issued.push({ grantType: record.grantType, accessToken, refreshToken });
    mock.onAccessToken?.(accessToken, record.grantType);
  });

  // The token endpoint behind a small front that can delay requests (the mock's hooks are synchronous).
  const front: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      if (mock.tokenDelayMs > 0) await new Promise((r) => setTimeout(r, mock.tokenDelayMs));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const upstream = await request(`${issuer}/token`, { method: 'POST', headers, body: Buffer.concat(chunks) });
      const body = await upstream.body.text();
      res.writeHead(upstream.statusCode, { 'content-type': String(upstream.headers['content-type'] ?? 'application/json') });
      res.end(body);
    })().catch((err: unknown) => {
      res.writeHead(502);
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  mock.tokenUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}/token`;
  return mock;
}
