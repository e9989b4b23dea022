import type { Hono } from 'hono';
import { PARTNER_SCOPES, SCOPES } from '../../../contracts/index.ts';
import type { AppDeps, TokenServiceEnv } from '../context.ts';

/** What a verifier needs to trust the tokens: the keys, RFC 8414 metadata, the revocation feed. */
export function discoveryRoutes(app: Hono<TokenServiceEnv>, deps: AppDeps): void {
  app.get('/.well-known/jwks.json', (c) => {
    c.header('Content-Type', 'application/jwk-set+json');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(deps.keys.jwksJson);
  });

  app.get('/.well-known/oauth-authorization-server', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json({
      issuer: deps.issuer,
      jwks_uri: `${deps.issuer}/.well-known/jwks.json`,
      // The OAuth token endpoint is the partner-token one; widget tokens are minted at
      // `/v1/tokens`, which is not an OAuth grant and so has no field here.
      token_endpoint: `${deps.issuer}/oauth/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint: `${deps.issuer}/v1/tokens/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_bearer'],
      scopes_supported: [...SCOPES, ...PARTNER_SCOPES],
      // Not registered in RFC 8414, which has no field for access-token algorithms; named after
      // its registered cousins so a verifier can pin its one-algorithm allow-list from here.
      access_token_signing_alg_values_supported: [deps.keys.options.alg],
      dpop_signing_alg_values_supported: ['ES256'],
      response_types_supported: [],
      grant_types_supported: ['client_credentials'],
      tessera_revocations_uri: `${deps.issuer}/v1/revocations`,
      tessera_audience: deps.audience,
    });
  });

  app.get('/v1/revocations', async (c) => {
    c.header('Cache-Control', `public, max-age=${deps.revocationsMaxAgeSec}`);
    return c.json({ partners: await deps.partners.revocations() });
  });
}
