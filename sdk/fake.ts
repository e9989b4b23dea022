import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import {
  DomainEvent,
  ERROR_CODE_TABLE,
  ERROR_HELP,
  ErrorEnvelope,
  EventPage,
  ExternalId,
  PARTNER_SCOPES,
  PARTNER_TOKEN_TTL_SECONDS,
  PartnerAccount,
  PartnerAccountPage,
  PartnerAccountUpsert,
  PartnerAccountsQuery,
  PartnerEventsQuery,
  PartnerQuoteCreate,
  PartnerTokenResponse,
  Quote,
  TokenRequest,
  TokenResponse,
  WebhookDeliveriesQuery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointList,
  WebhookReplayQueued,
  WebhookTestSent,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookReplay,
  checkInput,
  errorDocUrl,
  isPartnerScope,
  normaliseBillingEmail,
  parseEventTypes,
  priceQuote,
  quoteValidityIssues,
  versionEtag,
  type DomainEventType,
  type FieldIssue,
  type PartnerScope,
} from '../contracts/index.ts';
import { addressIssues, currencyIssues, taxIdIssues } from '../contracts/v1/reference-data.ts';

/** A refusal in the API's own envelope and catalogue code. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? (ERROR_HELP as Record<string, { meaning: string }>)[code]?.meaning ?? code);
  }
  get status(): number {
    const entry = (ERROR_CODE_TABLE as Record<string, { status: number | null }>)[this.code];
    return entry?.status ?? (this.code === 'account_duplicate' ? 409 : 400);
  }
}

/** An OAuth refusal (RFC 6749 §5.2), as `POST /oauth/token` answers. */
class OAuthRefusal extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
  ) {
    super(error);
  }
}

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeOptions {
  partnerId?: string;
  secretKey?: string;
  tokenServiceUrl?: string;
  apiUrl?: string;
  /** `jwt`: widget and partner tokens shaped as RFC 9068 JWTs (unsigned); `opaque`: random strings. */
  tokenFormat?: 'opaque' | 'jwt';
  /** The partner token's lifetime in seconds: shorten it to rehearse refreshes. */
  partnerTokenTtlSeconds?: number;
  /** The fake's clock. */
  now?: () => Date;
}

interface StoredAccount {
  account: PartnerAccount;
  seq: number;
}

interface StoredEndpoint {
  endpoint: WebhookEndpoint;
  secret: string;
}

const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n)
    .padEnd(n, '0');
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The in-memory token service and partner API behind `createFakeTessera()`. Requests and answers
 * pass through the same contracts' schemas as the real services', and refusals carry the same
 * envelopes and codes, so a partner's test that passes here fails for the same reasons there.
 */
export class FakeServices {
  readonly partnerId: string;
  readonly secretKey: string;
  readonly tokenServiceUrl: string;
  readonly apiUrl: string;
  readonly requests: { method: string; url: string; status: number }[] = [];
  readonly #options: FakeOptions;
  readonly #partnerTokens = new Map<string, { scopes: PartnerScope[]; exp: number }>();
  readonly #accounts = new Map<string, StoredAccount>();
  readonly #quotes = new Map<string, Quote>();
  readonly #events: DomainEvent[] = [];
  readonly #endpoints = new Map<string, StoredEndpoint>();
  readonly #idempotency = new Map<string, { fingerprint: string; answer: Answer }>();
  #seq = 0;
  #quoteNumber = 0;
  /** The request being answered: its id goes in `X-Request-Id` and on the events it writes. */
  #requestId = '';

  constructor(options: FakeOptions = {}) {
    this.#options = options;
    this.partnerId = options.partnerId ?? `ptn_fake${alnum(12)}`;
    this.secretKey = options.secretKey ?? `tsk_test_${alnum(43)}`;
    this.tokenServiceUrl = options.tokenServiceUrl ?? 'https://tokens.tessera.test';
    this.apiUrl = options.apiUrl ?? 'https://api.tessera.test';
  }

  now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  get accounts(): PartnerAccount[] {
    return [...this.#accounts.values()].sort((a, b) => a.seq - b.seq).map((s) => s.account);
  }
  get quotes(): Quote[] {
    return [...this.#quotes.values()];
  }
  get events(): DomainEvent[] {
    return [...this.#events];
  }
  get webhookEndpoints(): (WebhookEndpoint & { secret: string })[] {
    return [...this.#endpoints.values()].map((s) => ({ ...s.endpoint, secret: s.secret }));
  }

  /** Appends an event to the feed, as a customer's action in a widget would. */
  emit(type: DomainEventType, data: Json, options: { accountId?: string } = {}): DomainEvent {
    return this.#append(type, data, options.accountId, `req_${alnum(16)}`);
  }

  #append(
    type: DomainEventType,
    data: Json,
    account: string | undefined,
    requestId: string,
  ): DomainEvent {
    const accountId =
      account ??
      (typeof data.account_id === 'string' ? data.account_id : undefined) ??
      (typeof data.id === 'string' && data.id.startsWith('acct_') ? data.id : undefined) ??
      this.accounts[0]?.id;
    if (!accountId) throw new Error('emit: name the account ({ accountId }) or upsert one first');
    const event = DomainEvent.parse({
      cursor: this.#events.length + 1,
      // The core API's form: evt_ and a UUID's 32 hex digits.
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      partner_id: this.partnerId,
      account_id: accountId,
      type,
      data,
      request_id: requestId,
      session_id: null,
      created_at: this.now().toISOString(),
    });
    this.#events.push(event);
    return event;
  }

  /** Expires every partner token now: the next partner-API call gets `401 token_expired`. */
  expirePartnerTokens(): void {
    for (const token of this.#partnerTokens.values()) token.exp = 0;
  }

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const requestId = (this.#requestId = `req_${alnum(16)}`);
    const body = request.method === 'GET' ? '' : await request.text();
    let answer: Answer;
    try {
      if (url.origin === new URL(this.tokenServiceUrl).origin) {
        answer = this.#tokenService(request, url, body);
      } else if (url.origin === new URL(this.apiUrl).origin) {
        answer = this.#api(request, url, body);
      } else {
        throw new TypeError(`fetch failed: the fake Tessera does not serve ${url.origin}`);
      }
    } catch (error) {
      if (error instanceof TypeError) throw error;
      answer = this.#refusal(error);
    }
    this.requests.push({ method: request.method, url: request.url, status: answer.status });
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...answer.headers,
      },
    });
  };

  #refusal(error: unknown): Answer {
    if (error instanceof OAuthRefusal) {
      return {
        status: error.status,
        body: { error: error.error, error_description: error.message },
        headers:
          error.status === 401
            ? { 'www-authenticate': 'Basic realm="tessera", charset="UTF-8"' }
            : {},
      };
    }
    const refusal =
      error instanceof Refusal ? error : new Refusal('internal_error', (error as Error).message);
    const envelope = {
      error: {
        code: refusal.code,
        message: refusal.message,
        request_id: this.#requestId,
        ...(refusal.details ? { details: refusal.details } : {}),
        doc_url: errorDocUrl(refusal.code as never),
      },
    };
    // A code the catalogue does not list yet is the fake's own bug, not the caller's.
    if (refusal.code in ERROR_CODE_TABLE) ErrorEnvelope.parse(envelope);
    return { status: refusal.status, body: envelope, headers: refusal.headers };
  }

  // --- token service ---------------------------------------------------------------------------

  #tokenService(request: Request, url: URL, body: string): Answer {
    if (request.method === 'POST' && url.pathname === '/oauth/token')
      return this.#oauth(request, body);
    if (request.method === 'POST' && url.pathname === '/v1/tokens')
      return this.#mint(request, body);
    throw new Refusal('not_found');
  }

  #oauth(request: Request, body: string): Answer {
    const form = new URLSearchParams(body);
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString();
      const colon = decoded.indexOf(':');
      const decode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
      id = decode(decoded.slice(0, colon));
      secret = decode(decoded.slice(colon + 1));
    }
    if (id !== this.partnerId || secret !== this.secretKey)
      throw new OAuthRefusal('invalid_client', 401);
    if (form.get('grant_type') !== 'client_credentials')
      throw new OAuthRefusal('unsupported_grant_type', 400);
    const asked = form.get('scope');
    const scopes = asked === null ? [...PARTNER_SCOPES] : asked.split(' ');
    if (!scopes.every(isPartnerScope)) throw new OAuthRefusal('invalid_scope', 400);
    const ttl = this.#options.partnerTokenTtlSeconds ?? PARTNER_TOKEN_TTL_SECONDS;
    const token = this.#token({ sub: this.partnerId, scope: scopes.join(' ') }, ttl);
    this.#partnerTokens.set(token, { scopes, exp: this.now().getTime() + ttl * 1000 });
    return {
      status: 200,
      body: PartnerTokenResponse.parse({
        access_token: token,
        token_type: 'Bearer',
        expires_in: ttl,
        scope: scopes.join(' '),
      }),
      headers: { 'cache-control': 'no-store' },
    };
  }

  #mint(request: Request, body: string): Answer {
    const secret = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!secret) throw new Refusal('partner_key_missing');
    if (secret !== this.secretKey) throw new Refusal('partner_key_invalid');
    const input = this.#validate(TokenRequest, this.#json(body));
    const ttl = input.ttl_seconds ?? 300;
    const expires = new Date(this.now().getTime() + ttl * 1000);
    const token = this.#token(
      {
        sub: input.subject,
        scope: input.scopes.join(' '),
        origin: input.origin,
        ...(input.dpop_jkt ? { cnf: { jkt: input.dpop_jkt } } : {}),
      },
      ttl,
    );
    return {
      status: 201,
      body: TokenResponse.parse({
        token,
        token_type: input.dpop_jkt ? 'DPoP' : 'Bearer',
        expires_in: ttl,
        expires_at: expires.toISOString(),
        scopes: input.scopes,
      }),
      headers: { 'cache-control': 'no-store' },
    };
  }

  /** An opaque token, or a JWT-shaped one whose signature is random: it verifies nowhere. */
  #token(claims: Json, ttl: number): string {
    if (this.#options.tokenFormat !== 'jwt') return `tok_fake_${alnum(40)}`;
    const iat = Math.floor(this.now().getTime() / 1000);
    const header = { alg: 'ES256', typ: 'at+jwt', kid: 'fake' };
    const payload = {
      iss: this.tokenServiceUrl,
      aud: 'tessera-core-api',
      client_id: this.partnerId,
      iat,
      exp: iat + ttl,
      jti: randomUUID(),
      ...claims,
    };
    return `${b64url(header)}.${b64url(payload)}.${randomBytes(64).toString('base64url')}`;
  }

  // --- partner API -----------------------------------------------------------------------------

  #api(request: Request, url: URL, body: string): Answer {
    const path = url.pathname;
    const method = request.method;
    const route = (scope: PartnerScope) => this.#authorize(request, scope);
    const query = Object.fromEntries(url.searchParams);
    let match: RegExpExecArray | null;

    if ((match = /^\/v1\/partner\/accounts\/([^/]+)$/.exec(path))) {
      route('partner:accounts');
      const externalId = decodeURIComponent(match[1]!);
      // The partner chose it: a malformed one is a mistake to name, not an id to hide.
      const checked = ExternalId.safeParse(externalId);
      if (!checked.success)
        throw this.#invalid([
          {
            path: 'external_id',
            code: 'invalid_format',
            message: checked.error.issues[0]?.message ?? 'invalid',
          },
        ]);
      if (method === 'PUT')
        return this.#keyed(request, body, () => this.#upsert(request, externalId, body));
      if (method === 'GET') return this.#getAccount(externalId);
    }
    if (path === '/v1/partner/accounts' && method === 'GET') {
      route('partner:accounts');
      const q = this.#validate(PartnerAccountsQuery, query);
      const after = Number(q.after ?? 0);
      const limit = Number(q.limit ?? 50);
      const rest = [...this.#accounts.values()]
        .filter((s) => s.seq > after)
        .sort((a, b) => a.seq - b.seq);
      const page = rest.slice(0, limit);
      return this.#ok(PartnerAccountPage, {
        data: page.map((s) => s.account),
        next_cursor: page.at(-1)?.seq ?? after,
        has_more: rest.length > limit,
      });
    }
    if (path === '/v1/partner/quotes' && method === 'POST') {
      route('partner:quotes');
      return this.#keyed(request, body, () => this.#createQuote(body));
    }
    if ((match = /^\/v1\/partner\/quotes\/([^/]+)(\/void)?$/.exec(path))) {
      route('partner:quotes');
      const quote = this.#quotes.get(decodeURIComponent(match[1]!));
      if (!quote) throw new Refusal('not_found', `No quote ${match[1]}.`);
      if (!match[2] && method === 'GET')
        return this.#ok(Quote, this.#present(quote), 200, quote.version);
      if (match[2] && method === 'POST')
        return this.#keyed(request, body, () => this.#voidQuote(request, quote));
    }
    if (path === '/v1/partner/events' && method === 'GET') {
      route('partner:events');
      const q = this.#validate(PartnerEventsQuery, query);
      const after = Number(q.after ?? 0);
      const limit = Number(q.limit ?? 50);
      const types = new Set<string>(parseEventTypes(q.types));
      const rest = this.#events.filter((e) => e.cursor > after && types.has(e.type));
      const page = rest.slice(0, limit);
      return this.#ok(EventPage, {
        data: page,
        next_cursor: page.at(-1)?.cursor ?? after,
        has_more: rest.length > limit,
      });
    }
    if (path.startsWith('/v1/partner/webhook-endpoints')) {
      route('partner:webhooks');
      return this.#webhookEndpoints(request, path, body, query);
    }
    throw new Refusal('not_found');
  }

  #authorize(request: Request, scope: PartnerScope): void {
    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!token) throw new Refusal('token_missing', undefined, undefined, this.#challenge());
    const known = this.#partnerTokens.get(token);
    if (!known)
      throw new Refusal('token_signature_invalid', undefined, undefined, this.#challenge());
    if (known.exp <= this.now().getTime())
      throw new Refusal('token_expired', undefined, undefined, this.#challenge());
    if (!known.scopes.includes(scope))
      throw new Refusal('insufficient_scope', `The token needs the scope ${scope}.`, {
        required_scope: scope,
      });
  }

  #challenge(): Record<string, string> {
    return { 'www-authenticate': 'Bearer realm="tessera", error="invalid_token"' };
  }

  /** Idempotency as the core API has it: key required, same key + same request = same answer. */
  #keyed(request: Request, body: string, run: () => Answer): Answer {
    const key = request.headers.get('idempotency-key');
    if (!key) throw new Refusal('idempotency_key_required');
    if (!/^[A-Za-z0-9._:-]{1,255}$/.test(key))
      throw new Refusal(
        'validation_failed',
        '`Idempotency-Key` has invalid characters or length.',
        {
          fields: [
            {
              path: 'Idempotency-Key',
              code: 'invalid_format',
              message: 'invalid characters or length',
            },
          ],
        },
      );
    const url = new URL(request.url);
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${url.pathname}\n${body}`)
      .digest('hex');
    const stored = this.#idempotency.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) throw new Refusal('idempotency_key_reused');
      return {
        ...stored.answer,
        headers: { ...stored.answer.headers, 'idempotent-replayed': 'true' },
      };
    }
    const answer = run();
    this.#idempotency.set(key, { fingerprint, answer });
    return answer;
  }

  #ok<S extends z.ZodMiniType>(
    schema: S,
    body: z.input<S>,
    status = 200,
    version?: number,
  ): Answer {
    return {
      status,
      body: schema.parse(body),
      headers: version === undefined ? {} : { etag: versionEtag(version) },
    };
  }

  #json(body: string): unknown {
    try {
      return JSON.parse(body);
    } catch {
      throw new Refusal('invalid_json');
    }
  }

  #validate<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
    const checked = checkInput(schema, input);
    if (!checked.success) {
      throw new Refusal(
        'validation_failed',
        checked.fields.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; '),
        { fields: checked.fields },
      );
    }
    return checked.data;
  }

  /**
   * The version `If-Match` names, or undefined when absent or `*`, as the core API reads it;
   * absent where `required` is `428 precondition_required`.
   */
  #ifMatch(request: Request, required = false): number | undefined {
    const header = request.headers.get('if-match');
    if (!header || header.trim() === '*') {
      if (required) throw new Refusal('precondition_required');
      return undefined;
    }
    const version = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header)?.[1];
    if (version === undefined)
      throw new Refusal('validation_failed', '`If-Match` must be an ETag this API gave out.', {
        fields: [{ path: 'If-Match', code: 'invalid_format', message: 'not an ETag of this API' }],
      });
    return Number(version);
  }

  #checkVersion(current: number, ifMatch: number | undefined): void {
    if (ifMatch !== undefined && ifMatch !== current)
      throw new Refusal(
        'version_conflict',
        `The resource is at version ${current}, not ${ifMatch}.`,
        { current_version: current },
      );
  }

  #invalid(fields: FieldIssue[]): Refusal {
    return new Refusal(
      'validation_failed',
      `Invalid field${fields.length > 1 ? 's' : ''}: ${fields.map((f) => f.path).join(', ')}.`,
      { fields },
    );
  }

  #getAccount(externalId: string): Answer {
    const stored = this.#accounts.get(externalId);
    if (!stored)
      throw new Refusal('not_found', `You have no account with external_id ${externalId}.`);
    return this.#ok(PartnerAccount, stored.account, 200, stored.account.version);
  }

  #upsert(request: Request, externalId: string, body: string): Answer {
    const fields = this.#validate(PartnerAccountUpsert, this.#json(body));
    const version = this.#ifMatch(request);
    // The core API's cross-field rules, over the same reference data.
    const issues = [
      ...addressIssues(fields.billing_address, 'billing_address'),
      ...currencyIssues(fields.currency, 'currency'),
      ...taxIdIssues(fields.billing_address.country, fields.tax_id, 'tax_id'),
    ];
    if (issues.length > 0) throw this.#invalid(issues);
    const email = normaliseBillingEmail(fields.billing_email);
    for (const [otherId, other] of this.#accounts) {
      if (otherId !== externalId && normaliseBillingEmail(other.account.billing_email) === email) {
        throw new Refusal(
          'account_duplicate',
          `Your account ${otherId} already has this billing email.`,
          { account_id: other.account.id, external_id: otherId },
        );
      }
    }
    const now = this.now().toISOString();
    const existing = this.#accounts.get(externalId);
    if (!existing) {
      // `If-Match` on a resource that does not exist never matches (RFC 9110 §13.1.1).
      if (version !== undefined)
        throw new Refusal(
          'version_conflict',
          `You have no account ${externalId} yet: send no If-Match to create it.`,
        );
      const account = PartnerAccount.parse({
        id: `acct_${alnum(16)}`,
        ...fields,
        version: 1,
        created_at: now,
        updated_at: now,
        external_id: externalId,
      });
      this.#accounts.set(externalId, { account, seq: ++this.#seq });
      return this.#ok(PartnerAccount, account, 201, 1);
    }
    this.#checkVersion(existing.account.version, version);
    const { id, created_at, updated_at } = existing.account;
    const current = existing.account.version;
    const before = JSON.stringify(existing.account);
    const candidate = PartnerAccount.parse({
      id,
      ...fields,
      version: current,
      created_at,
      updated_at,
      external_id: externalId,
    });
    if (JSON.stringify(candidate) === before)
      return this.#ok(PartnerAccount, existing.account, 200, current);
    const account = PartnerAccount.parse({ ...candidate, version: current + 1, updated_at: now });
    existing.account = account;
    const plain: Record<string, unknown> = { ...account };
    delete plain.external_id;
    const event = this.#append('account.updated', plain, account.id, this.#requestId);
    const answer = this.#ok(PartnerAccount, account, 200, account.version);
    return { ...answer, headers: { ...answer.headers, 'tessera-event-id': event.id } };
  }

  /** The quote as the API shows it: an open one past `valid_until` reads as expired. */
  #present(quote: Quote): Quote {
    return quote.status === 'open' && Date.parse(quote.valid_until) <= this.now().getTime()
      ? { ...quote, status: 'expired' }
      : quote;
  }

  #createQuote(body: string): Answer {
    const input = this.#validate(PartnerQuoteCreate, this.#json(body));
    const { lines, subtotal, total, issues } = priceQuote(input);
    issues.push(
      ...currencyIssues(input.currency, 'currency'),
      ...quoteValidityIssues(input.valid_until, this.now()),
    );
    if (issues.length > 0) throw this.#invalid(issues);
    const account = input.external_id
      ? this.#accounts.get(input.external_id)?.account
      : this.accounts.find((a) => a.id === input.account_id);
    if (!account)
      throw new Refusal(
        'not_found',
        input.external_id
          ? `You have no account with external_id ${input.external_id}.`
          : `You have no account ${input.account_id}.`,
      );
    const used = new Set(this.quotes.map((q) => q.number));
    let number = input.number;
    if (number !== undefined && used.has(number))
      throw this.#invalid([
        { path: 'number', code: 'already_used', message: 'another of your quotes has this number' },
      ]);
    // A number the partner chose may sit in the series already: skip it.
    while (number === undefined || used.has(number))
      number = `Q-${String(++this.#quoteNumber).padStart(6, '0')}`;
    const quote = Quote.parse({
      id: `qt_${alnum(16)}`,
      number,
      account_id: account.id,
      status: 'open',
      currency: input.currency,
      line_items: lines,
      subtotal,
      tax: input.tax,
      total,
      valid_until: new Date(input.valid_until).toISOString(),
      version: 1,
    });
    this.#quotes.set(quote.id, quote);
    return this.#ok(Quote, quote, 201, 1);
  }

  /**
   * Open → expired, valid until now. Voiding an expired quote (voided before, or past
   * `valid_until`) is `quote_expired`; an accepted or declined one `quote_not_open`.
   */
  #voidQuote(request: Request, quote: Quote): Answer {
    this.#checkVersion(quote.version, this.#ifMatch(request));
    const current = this.#present(quote);
    if (current.status === 'expired')
      throw new Refusal('quote_expired', `Quote ${quote.number} expired on ${quote.valid_until}.`, {
        status: 'expired',
        valid_until: quote.valid_until,
      });
    if (current.status !== 'open')
      throw new Refusal('quote_not_open', `Quote ${quote.number} is ${current.status}.`, {
        status: current.status,
      });
    const voided = Quote.parse({
      ...quote,
      status: 'expired',
      valid_until: this.now().toISOString(),
      version: quote.version + 1,
    });
    this.#quotes.set(quote.id, voided);
    return this.#ok(Quote, voided, 200, voided.version);
  }

  #webhookEndpoints(request: Request, path: string, body: string, query: Json): Answer {
    const method = request.method;
    const rest = path.slice('/v1/partner/webhook-endpoints'.length);
    if (rest === '' && method === 'POST') {
      return this.#keyed(request, body, () => {
        const input = this.#validate(WebhookEndpointCreate, this.#json(body));
        const now = this.now().toISOString();
        const stored: StoredEndpoint = {
          endpoint: {
            id: `we_${alnum(24)}`,
            partner_id: this.partnerId,
            url: input.url,
            event_types: input.event_types,
            description: input.description,
            status: 'enabled',
            failing_since: null,
            previous_secret_expires_at: null,
            created_at: now,
            updated_at: now,
            version: 1,
          },
          secret: `whsec_${randomBytes(24).toString('base64')}`,
        };
        this.#endpoints.set(stored.endpoint.id, stored);
        return this.#withSecret(stored, 201);
      });
    }
    if (rest === '' && method === 'GET') {
      return {
        status: 200,
        body: WebhookEndpointList.parse({
          data: [...this.#endpoints.values()].map((s) => this.#endpointView(s)),
        }),
      };
    }
    const match = /^\/([^/]+)(?:\/(rotate-secret|test|replay|deliveries))?$/.exec(rest);
    const stored = match ? this.#endpoints.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !stored) throw new Refusal('not_found');
    const action = match[2];
    const version = stored.endpoint.version;
    if (!action && method === 'GET')
      return {
        status: 200,
        body: this.#endpointView(stored),
        headers: { etag: versionEtag(version) },
      };
    if (!action && method === 'PATCH') {
      return this.#keyed(request, body, () => {
        this.#checkVersion(version, this.#ifMatch(request, true));
        const patch = this.#validate(WebhookEndpointUpdate, this.#json(body));
        const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
        stored.endpoint = {
          ...stored.endpoint,
          ...clean,
          version: version + 1,
          updated_at: this.now().toISOString(),
        };
        return {
          status: 200,
          body: this.#endpointView(stored),
          headers: { etag: versionEtag(version + 1) },
        };
      });
    }
    if (!action && method === 'DELETE') {
      return this.#keyed(request, body, () => {
        this.#checkVersion(version, this.#ifMatch(request));
        this.#endpoints.delete(stored.endpoint.id);
        return {
          status: 200,
          body: this.#endpointView(stored),
          headers: { etag: versionEtag(version) },
        };
      });
    }
    if (action === 'rotate-secret' && method === 'POST') {
      return this.#keyed(request, body, () => {
        stored.secret = `whsec_${randomBytes(24).toString('base64')}`;
        stored.endpoint = {
          ...stored.endpoint,
          previous_secret_expires_at: new Date(this.now().getTime() + 86_400_000).toISOString(),
          version: version + 1,
          updated_at: this.now().toISOString(),
        };
        return this.#withSecret(stored, 200);
      });
    }
    if (action === 'test' && method === 'POST') {
      return this.#keyed(request, body, () =>
        this.#ok(WebhookTestSent, { event_id: `evt_${alnum(20)}` }),
      );
    }
    if (action === 'replay' && method === 'POST') {
      return this.#keyed(request, body, () => {
        const input = this.#validate(WebhookReplay, this.#json(body));
        // An event id, or a feed cursor ('0': from the beginning).
        let cursor = /^\d{1,15}$/.test(input.after) ? Number(input.after) : undefined;
        cursor ??= this.#events.find((e) => e.id === input.after)?.cursor;
        if (cursor === undefined) throw new Refusal('not_found', `No event ${input.after}.`);
        const types = new Set<string>(stored.endpoint.event_types);
        const queued = this.#events.filter((e) => e.cursor > cursor && types.has(e.type)).length;
        return this.#ok(WebhookReplayQueued, { queued });
      });
    }
    if (action === 'deliveries' && method === 'GET') {
      this.#validate(WebhookDeliveriesQuery, query);
      return this.#ok(WebhookDeliveryPage, { data: [], next_cursor: null, has_more: false });
    }
    throw new Refusal('method_not_allowed');
  }

  #endpointView(stored: StoredEndpoint): WebhookEndpoint {
    return {
      ...WebhookEndpoint.parse(stored.endpoint),
      version: stored.endpoint.version,
    };
  }

  #withSecret(stored: StoredEndpoint, status: number): Answer {
    const body = WebhookEndpointWithSecret.parse({ ...stored.endpoint, secret: stored.secret });
    return { status, body, headers: { etag: versionEtag(stored.endpoint.version) } };
  }
}
