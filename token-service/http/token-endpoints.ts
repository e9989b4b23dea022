import { createHash, timingSafeEqual } from 'node:crypto';
import {
  ERROR_CATALOGUE,
  TesseraError,
  TokenRequest,
  errorEnvelope,
  isPartnerScope,
  isScope,
  type ErrorCode,
  type OAuthErrorResponse,
  type PartnerScope,
} from '../../contracts/index.ts';
import { bearerFrom } from '../../service-kit/http/auth.ts';
import { parseJsonBody, readBodyOrInvalid, requireJsonType } from '../../service-kit/http/body.ts';
import { applyRateLimit } from '../../service-kit/http/instrument.ts';
import { mintToken } from '../mint.ts';
import { grantedPartnerScopes, mintPartnerToken } from '../partner-token.ts';
import type { AppDeps } from './context.ts';

/**
 * The two token endpoints, `POST /v1/tokens` and `POST /oauth/token`, apart from any HTTP
 * framework: the Hono routes and the plain `node:http` fast path (fast-routes.ts) both answer
 * through these, so the two cannot drift apart in what they check or say.
 */

/** What an endpoint reads of a request. */
export interface EndpointRequest {
  /** A request header by its lower-case name; repeated headers joined by `, `. */
  header(name: string): string | undefined;
  /** The body, at most MAX_BODY_BYTES (`body_too_large` beyond). */
  body(): Promise<Uint8Array>;
  /** The id answered in `X-Request-Id`. */
  requestId: string;
}

/** An endpoint's answer, and what the access-log line and the metrics say about it. */
export class EndpointAnswer {
  status = 200;
  /** JSON text. */
  body = '';
  /** Response headers in the order they were set, as Hono's `c.header` would get them. */
  readonly headers: [string, string][] = [];
  partnerId: string | undefined;
  errorCode: ErrorCode | undefined;
  logMessage: string | undefined;
  logFields: Record<string, unknown> | undefined;

  header(name: string, value: string): void {
    const lower = name.toLowerCase();
    const at = this.headers.findIndex(([existing]) => existing.toLowerCase() === lower);
    if (at === -1) this.headers.push([name, value]);
    else this.headers[at] = [name, value];
  }

  json(status: number, body: unknown): this {
    this.status = status;
    this.body = JSON.stringify(body);
    return this;
  }

  /** The error envelope with the catalogue's status, as every other route answers it. */
  error(code: ErrorCode, requestId: string, message?: string, details?: Record<string, unknown>) {
    this.errorCode = code;
    return this.json(
      ERROR_CATALOGUE[code].status ?? 500,
      errorEnvelope(code, message ?? ERROR_CATALOGUE[code].meaning, requestId, details),
    );
  }
}

const rateWhat = (limit: { per_second: number; burst: number }) =>
  `Rate limit of ${limit.per_second}/s (burst ${limit.burst})`;

/** `POST /v1/tokens`: a widget token for one end customer, one origin and a few scopes. */
export async function mintWidgetToken(
  deps: AppDeps,
  request: EndpointRequest,
): Promise<EndpointAnswer> {
  const { metrics } = deps;
  const answer = new EndpointAnswer();
  let partnerId = 'unknown';
  try {
    const auth = await deps.partners.authenticate(bearerFrom(request.header('authorization')));
    partnerId = auth.partner.id;
    answer.partnerId = partnerId;
    const limit = auth.partner.rate_limit;
    const rate = await deps.limiter.consume(partnerId, limit);
    applyRateLimit(answer, rate, rateWhat(limit));
    requireJsonType(request.header('content-type'));
    const body = parseJsonBody(await readBodyOrInvalid(() => request.body()), TokenRequest);
    const minted = await mintToken(deps, auth, body, { requestId: request.requestId });
    metrics.tokensMinted.inc({ partner_id: partnerId, outcome: 'ok' });
    // One line per request: the issuance details ride on the access-log line.
    answer.logMessage = 'token issued';
    answer.logFields = {
      jti: minted.jti,
      sub: body.subject,
      scopes: minted.scopes,
      origin: body.origin,
      correlation_id: body.correlation_id,
      exp: minted.expires_at,
    };
    answer.header('Cache-Control', 'no-store');
    return answer.json(201, {
      token: minted.token,
      token_type: minted.token_type,
      expires_in: minted.expires_in,
      expires_at: minted.expires_at,
      scopes: minted.scopes,
    });
  } catch (error) {
    metrics.tokensMinted.inc({
      partner_id: partnerId,
      outcome: error instanceof TesseraError ? error.code : 'internal_error',
    });
    if (error instanceof TesseraError)
      return answer.error(error.code, request.requestId, error.message, error.details);
    deps.log.error({ request_id: request.requestId, err: error }, 'unhandled error');
    return answer.error('internal_error', request.requestId);
  }
}

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

  get status(): number {
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
export async function issuePartnerToken(
  deps: AppDeps,
  request: EndpointRequest,
): Promise<EndpointAnswer> {
  const answer = new EndpointAnswer();
  let partnerId = 'unknown';
  // RFC 6749 §5.1: token responses, refusals included, are never cached.
  answer.header('Cache-Control', 'no-store');
  answer.header('Pragma', 'no-cache');
  try {
    const form = await readForm(request);
    const credentials = clientCredentials(request.header('authorization'), form);
    const auth = await authenticate(deps, credentials);
    partnerId = auth.partner.id;
    answer.partnerId = partnerId;
    const limit = auth.partner.rate_limit;
    // Its own bucket: a burst of widget mints must not lock the partner's backend out.
    const rate = await deps.limiter.consume(`${partnerId}:oauth`, limit);
    applyRateLimit(answer, rate, rateWhat(limit));

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
    const minted = await mintPartnerToken(deps, auth, scopes, { requestId: request.requestId });
    deps.metrics.partnerTokensIssued.inc({ partner_id: partnerId, outcome: 'ok' });
    answer.logMessage = 'partner token issued';
    answer.logFields = { jti: minted.jti, scope: minted.scope, expires_in: minted.expires_in };
    return answer.json(200, {
      access_token: minted.access_token,
      token_type: minted.token_type,
      expires_in: minted.expires_in,
      scope: minted.scope,
    });
  } catch (caught) {
    const error = asOAuthError(caught, deps, request.requestId);
    deps.metrics.partnerTokensIssued.inc({ partner_id: partnerId, outcome: error.error });
    answer.errorCode = error.code;
    if (error.error === 'invalid_client')
      answer.header('WWW-Authenticate', `Basic realm="${OAUTH_REALM}", charset="UTF-8"`);
    if (error.status === 503) answer.header('Retry-After', '5');
    return answer.json(error.status, {
      error: error.error,
      error_description: error.description,
    } satisfies OAuthErrorResponse);
  }
}

/** The form, each parameter at most once (RFC 6749 §3.2). */
async function readForm(request: EndpointRequest): Promise<URLSearchParams> {
  const type = request.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(?:;|$)/i.test(type)) {
    throw invalidRequest('Send the form as `application/x-www-form-urlencoded`.');
  }
  const form = new URLSearchParams(new TextDecoder().decode(await request.body()));
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
