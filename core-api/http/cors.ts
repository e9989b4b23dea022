import type { MiddlewareHandler } from 'hono';
import {
  originMatches,
  parseAuthorization,
  statedOrigin,
  type TokenVariables,
} from '../../verify/index.ts';
import { EVENT_ID_HEADER } from './idempotency.ts';

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
  // The event a mutation wrote: the widget puts it in `tessera-success`.
  EVENT_ID_HEADER,
];

/**
 * CORS bound to the token. A data response allows exactly the token's `origin` claim (the
 * verifier has already refused a request whose `Origin` differs). A preflight carries no token,
 * so it answers the asking origin.
 *
 * An error response is readable only by the token's own origin: the widget on it must read
 * `token_expired` to refresh, but a page elsewhere holding the token must not learn whether it
 * is expired, revoked or valid (the verifier answers it `origin_mismatch` before looking, and
 * that answer is unreadable to it too). When the request carries no token, or one with no
 * readable `origin` claim (not a JWT at all), the answer says something only about what the page
 * itself sent (`token_missing`, `token_malformed`, an unknown path), so it answers the asking
 * origin. Never `*`, never credentials.
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
    const allowed =
      c.res.status < 400
        ? tokenOrigin === origin
        : originMatches(
            origin,
            tokenOrigin ?? claimedOrigin(c.req.header('authorization')) ?? origin,
          );
    if (allowed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS.join(', '));
    }
  };
}

/** The `origin` claim of the request's token as stated, unverified; undefined without one. */
function claimedOrigin(authorization: string | undefined): string | undefined {
  try {
    return statedOrigin(parseAuthorization(authorization).token);
  } catch {
    return undefined;
  }
}
