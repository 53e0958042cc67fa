// The ways an integration's accounts authenticate: its `auth` and, for some, an `alternativeAuth` of the other
// kind (OAuth 2 besides an API key). The engine asks for "the OAuth side" or "the key side" through these rather
// than reading `auth.kind`, so an integration with both is handled everywhere.
import type { ApiKeyAuth, ClientCredentialsAuth, IntegrationAuth, IntegrationDefinition, OAuth2Auth } from '../sdk/index.js';
import type { Credential } from '../storage/port.js';

const both = (i: IntegrationDefinition): IntegrationAuth[] => (i.alternativeAuth ? [i.auth, i.alternativeAuth] : [i.auth]);

/** The integration's OAuth 2 (authorization code) auth, primary or alternative. */
export function oauth2Of(i: IntegrationDefinition): OAuth2Auth | undefined {
  return both(i).find((a): a is OAuth2Auth => a.kind === 'oauth2');
}

/** How the integration's API keys are sent, primary or alternative. */
export function apiKeyOf(i: IntegrationDefinition): ApiKeyAuth | undefined {
  return both(i).find((a): a is ApiKeyAuth => a.kind === 'apiKey');
}

export function clientCredentialsOf(i: IntegrationDefinition): ClientCredentialsAuth | undefined {
  return i.auth.kind === 'clientCredentials' ? i.auth : undefined;
}

/** Every auth kind the integration accepts, the primary first. */
export function authKindsOf(i: IntegrationDefinition): Array<IntegrationAuth['kind']> {
  return both(i).map((a) => a.kind);
}

/**
 * How a stored credential authenticates: its client (client credentials), its API key, or its OAuth token. A token
 * given to an integration that only takes keys is sent as the key (credentials made before keys had their own field).
 */
export function credentialAuthKind(i: IntegrationDefinition, c: Pick<Credential, 'secrets'>): IntegrationAuth['kind'] {
  if (i.auth.kind === 'clientCredentials') return 'clientCredentials';
  const key = apiKeyOf(i);
  if (key && (c.secrets.apiKey !== undefined || !oauth2Of(i))) return 'apiKey';
  return 'oauth2';
}
