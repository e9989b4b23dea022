import type { MiddlewareHandler } from 'hono';
import type { TokenVariables } from '../../verify/index.ts';

const ALLOW_HEADERS = [
  'Authorization',
  'DPoP',
  'Content-Type',
  'Idempotency-Key',
  'If-Match',
  'X-Request-Id',
  'X-Tessera-Session',
  'Tessera-Simulate',
];
const EXPOSE_HEADERS = [
  'ETag',
  'X-Request-Id',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'WWW-Authenticate',
  'Idempotent-Replayed',
  'DPoP-Nonce',
];

/**
 * CORS bound to the token. A data response allows exactly the token's `origin` claim (the
 * verifier has already refused a request whose `Origin` differs). A preflight carries no token,
 * so it answers the asking origin, as does an error response: both carry no data, and a widget
 * must be able to read `token_expired` to refresh. Never `*`, never credentials.
 */
export function cors(): MiddlewareHandler<{ Variables: Partial<TokenVariables> }> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS') {
      if (!origin) return c.body(null, 204);
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, OPTIONS',
        'Access-Control-Allow-Headers': ALLOW_HEADERS.join(', '),
        'Access-Control-Max-Age': '600',
        Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      });
    }
    await next();
    c.header('Vary', 'Origin');
    if (!origin) return;
    const tokenOrigin = c.get('token')?.claims.origin;
    const allowed = c.res.status < 400 ? tokenOrigin : origin;
    if (allowed && allowed === origin) {
      c.header('Access-Control-Allow-Origin', allowed);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS.join(', '));
    }
  };
}
