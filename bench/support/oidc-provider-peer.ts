/**
 * The peer for bench:tokens, in its own process: panva's oidc-provider (9) with only the
 * client-credentials grant, ES256 JWT access tokens (RFC 9068 via a resource server with
 * `accessTokenFormat: 'jwt'`) and its in-memory adapter, on loopback. Prints `{ url, client_id,
 * client_secret, resource }` as one JSON line once listening.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

const CLIENT_ID = 'bench-client';
const CLIENT_SECRET = 'bench-client-secret-0123456789abcdef0123456789';
const RESOURCE = 'https://api.bench.example';
const SCOPE = 'partner:accounts partner:quotes';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'bench-1' };

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const provider = new Provider(url, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: SCOPE.split(' '),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: SCOPE,
        audience: RESOURCE,
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
// Quiet: the harness measures the provider, not its console.
provider.on('server_error', () => undefined);
const handle = provider.callback();
server.on('request', (request, response) => void handle(request, response));

console.log(
  JSON.stringify({ url, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, resource: RESOURCE }),
);
