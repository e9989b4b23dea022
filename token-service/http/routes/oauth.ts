import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  TesseraError,
  isPartnerScope,
  isScope,
  type ErrorCode,
  type OAuthErrorResponse,
  type PartnerScope,
} from '../../../contracts/index.ts';
import { readBody } from '../../../service-kit/http/body.ts';
import { applyRateLimit } from '../../../service-kit/http/instrument.ts';
import { grantedPartnerScopes, mintPartnerToken } from '../../partner-token.ts';
import type { AppDeps, TokenServiceEnv } from '../context.ts';

type OAuthErrorCode = OAuthErrorResponse['error'];

/** The realm of the Basic challenge on `invalid_client`. */
export const OAUTH_REALM = 'tessera';

/** A refusal in RFC 6749 §5.2 form, with the catalogue code the access log counts it under. */
class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly code: ErrorCode,
  ) {
    super(description);
  }

  get status(): ContentfulStatusCode {
    switch (this.error) {
      case 'invalid_client':
        return 401;
      case 'rate_limited':
        return 429;
      case 'server_error':
        return 500;
      case 'temporarily_unavailable':
        return 503;
      default:
        return 400;
    }
  }
}

const invalidRequest = (description: string) =>
  new OAuthError('invalid_request', description, 'validation_failed');
const invalidClient = (description: string, code: ErrorCode = 'partner_key_invalid') =>
  new OAuthError('invalid_client', description, code);

interface ClientCredentials {
  id: string;
  secret: string;
}

/**
 * `POST /oauth/token`: OAuth 2.0 client credentials (RFC 6749 §4.4) for a partner's backend.
 * The partner authenticates with its id and a secret key, by `client_secret_basic` or
 * `client_secret_post`, and gets a partner token (RFC 9068) for the partner API. Every answer,
 * refusals included, is OAuth's shape rather than the error envelope, so stock clients read it.
 */
export function oauthRoutes(app: Hono<TokenServiceEnv>, deps: AppDeps): void {
  app.post('/oauth/token', async (c) => {
    let partnerId = 'unknown';
    // RFC 6749 §5.1: token responses, refusals included, are never cached.
    c.header('Cache-Control', 'no-store');
    c.header('Pragma', 'no-cache');
    try {
      const form = await readForm(c);
      const credentials = clientCredentials(c.req.header('authorization'), form);
      const auth = await authenticate(deps, credentials);
      partnerId = auth.partner.id;
      c.set('partnerId', partnerId);
      const limit = auth.partner.rate_limit;
      // Its own bucket: a burst of widget mints must not lock the partner's backend out.
      const rate = await deps.limiter.consume(`${partnerId}:oauth`, limit);
      applyRateLimit(c, rate, `Rate limit of ${limit.per_second}/s (burst ${limit.burst})`);

      const grantType = form.get('grant_type');
      if (grantType === null) throw invalidRequest('The form has no `grant_type`.');
      if (grantType !== 'client_credentials') {
        throw new OAuthError(
          'unsupported_grant_type',
          'Only `grant_type=client_credentials` is supported.',
          'validation_failed',
        );
      }
      const scopes = requestedScopes(form.get('scope'), grantedPartnerScopes(auth.partner));
      const minted = await mintPartnerToken(deps, auth, scopes, { requestId: c.get('requestId') });
      deps.metrics.partnerTokensIssued.inc({ partner_id: partnerId, outcome: 'ok' });
      c.set('logMessage', 'partner token issued');
      c.set('logFields', { jti: minted.jti, scope: minted.scope, expires_in: minted.expires_in });
      return c.json({
        access_token: minted.access_token,
        token_type: minted.token_type,
        expires_in: minted.expires_in,
        scope: minted.scope,
      });
    } catch (caught) {
      const error = asOAuthError(caught, deps, c.get('requestId'));
      deps.metrics.partnerTokensIssued.inc({ partner_id: partnerId, outcome: error.error });
      c.set('errorCode', error.code);
      if (error.error === 'invalid_client')
        c.header('WWW-Authenticate', `Basic realm="${OAUTH_REALM}", charset="UTF-8"`);
      if (error.status === 503) c.header('Retry-After', '5');
      return c.json(
        { error: error.error, error_description: error.description } satisfies OAuthErrorResponse,
        error.status,
      );
    }
  });
}

/** The form, each parameter at most once (RFC 6749 §3.2). */
async function readForm(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(type)) {
    throw invalidRequest('Send the form as `application/x-www-form-urlencoded`.');
  }
  const form = new URLSearchParams(new TextDecoder().decode(await readBody(c)));
  for (const name of new Set(form.keys())) {
    if (form.getAll(name).length > 1)
      throw invalidRequest(`The form names \`${printable(name)}\` more than once.`);
  }
  return form;
}

/**
 * The client's id and secret, from exactly one method: `client_secret_basic` (RFC 6749 §2.3.1:
 * each form-urlencoded, then joined by `:` in Basic) or `client_secret_post`.
 */
function clientCredentials(
  authorization: string | undefined,
  form: URLSearchParams,
): ClientCredentials {
  const postedId = form.get('client_id');
  const postedSecret = form.get('client_secret');
  if (authorization !== undefined && authorization.trim() !== '') {
    const basic = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(authorization.trim());
    if (!basic) {
      throw invalidClient(
        'Authenticate with `Authorization: Basic` (client_secret_basic) or with `client_id` and `client_secret` in the form (client_secret_post).',
        'partner_key_missing',
      );
    }
    if (postedSecret !== null) {
      throw invalidRequest(
        'The request uses two client authentication methods (Basic and `client_secret` in the form); use one.',
      );
    }
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const id = colon === -1 ? undefined : formDecode(decoded.slice(0, colon));
    const secret = colon === -1 ? undefined : formDecode(decoded.slice(colon + 1));
    if (id === undefined || secret === undefined)
      throw invalidClient('The Basic credentials are not `client_id:client_secret`, form-encoded.');
    if (postedId !== null && postedId !== id)
      throw invalidRequest('`client_id` in the form is not the one in the Basic credentials.');
    return { id, secret };
  }
  if (postedId === null && postedSecret === null) {
    throw invalidClient(
      'No client authentication: send `Authorization: Basic` or `client_id` and `client_secret` in the form.',
      'partner_key_missing',
    );
  }
  if (postedId === null) throw invalidRequest('The form has `client_secret` but no `client_id`.');
  if (postedSecret === null)
    throw invalidRequest('The form has `client_id` but no `client_secret`.');
  return { id: postedId, secret: postedSecret };
}

/** `application/x-www-form-urlencoded` decoding of one Basic component; undefined when malformed. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** The partner the secret belongs to, when it is the partner the client id names. */
async function authenticate(deps: AppDeps, credentials: ClientCredentials) {
  let auth;
  try {
    auth = await deps.partners.authenticate(credentials.secret);
  } catch (error) {
    if (!(error instanceof TesseraError)) throw error;
    if (error.code === 'partner_suspended')
      throw new OAuthError('unauthorized_client', 'The partner is suspended.', error.code);
    if (
      error.code === 'partner_key_missing' ||
      error.code === 'partner_key_invalid' ||
      error.code === 'partner_key_revoked'
    ) {
      // One answer for every failure, so the endpoint says nothing about which part was wrong.
      throw invalidClient('Client authentication failed.', error.code);
    }
    throw error;
  }
  if (!sameId(credentials.id, auth.partner.id))
    throw invalidClient('Client authentication failed.', 'partner_key_invalid');
  return auth;
}

function sameId(presented: string, actual: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(actual));
}

/** The scopes asked for (RFC 6749 §3.3), or every granted partner scope when none are. */
function requestedScopes(
  scope: string | null,
  granted: readonly PartnerScope[],
): readonly PartnerScope[] {
  if (scope === null) return granted;
  const asked = scope.split(' ');
  if (asked.some((token) => token === '')) {
    throw new OAuthError(
      'invalid_scope',
      '`scope` is a list of scopes separated by single spaces; omit it to get every partner scope.',
      'scope_not_granted',
    );
  }
  const widget = asked.filter(isScope);
  if (widget.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `${widget.join(', ')}: widget scopes come with widget tokens from \`POST /v1/tokens\`, never with a partner token.`,
      'scope_not_granted',
    );
  }
  const unknown = asked.filter((token) => !isPartnerScope(token));
  if (unknown.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `Unknown scope ${printable(unknown.join(', '))}; partner scopes are ${granted.join(', ')}.`,
      'scope_not_granted',
    );
  }
  const refused = asked.filter((token) => !(granted as readonly string[]).includes(token));
  if (refused.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `The partner is not granted ${refused.join(', ')}.`,
      'scope_not_granted',
    );
  }
  return [...new Set(asked as PartnerScope[])];
}

/** A client's text inside a description: bounded and free of control characters. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

/** Any failure as OAuth's shape: the client's mistakes as 4xx, ours as `server_error`. */
function asOAuthError(caught: unknown, deps: AppDeps, requestId: string): OAuthError {
  if (caught instanceof OAuthError) return caught;
  if (caught instanceof TesseraError) {
    switch (caught.code) {
      case 'rate_limited':
        return new OAuthError('rate_limited', caught.message, caught.code);
      case 'body_too_large':
        return invalidRequest(caught.message);
      case 'service_unavailable':
        return new OAuthError('temporarily_unavailable', caught.message, caught.code);
      default:
        if (caught.status < 500) return invalidRequest(caught.message);
    }
  }
  deps.log.error({ request_id: requestId, err: caught }, 'unhandled error');
  return new OAuthError(
    'server_error',
    'Something failed on our side; the request id identifies it in our logs.',
    'internal_error',
  );
}
