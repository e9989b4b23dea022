/**
 * The core API contract, as tests any deployment can be run against: the reference sandbox
 * (test/contract/reference.test.ts) or the real core API (test/contract/cli.ts). It talks HTTP
 * only: it mints its own widget tokens at the token service with a partner key, and calls the
 * API as a widget on `ctx.origin` would.
 *
 * NEEDS A FRESH SEED PER RUN. The seed is what `tessera core-api seed --json` prints: an account
 * linked to the partner, with an open, an expired and an accepted quote and an onboarding
 * application in progress (at least one step incomplete). The suite accepts the open quote and
 * submits the application, so a second run on the same seed fails those tests. The partner needs
 * all six scopes and `ctx.origin` among its origins.
 *
 * Test order matters: node:test runs these describes in order, read-only ones first, the ones that
 * use up the seed (accepting the quote, submitting the application) last, and the event feed after
 * them, since it checks the events they caused.
 *
 * Decisions where the contract (DESIGN.md, issue 3) leaves room, so that any deployment is held to
 * the same reading:
 * - ETag: strong or weak, `"<version>"` or `"v<version>"`; the number must be the resource's
 *   `version`, so it changes whenever the version does. The suite sends ETags back unchanged.
 * - A malformed id (`/v1/quotes/nonsense`) is `404 not_found`, like an unknown one: never a hint.
 * - Without `ctx.otherAccount`, cross-account isolation is checked with random well-formed ids and
 *   with a token naming an account the partner is not linked to (random too).
 * - `details.fields[].path` is dotted; a field is "named" when a path equals it or ends in
 *   `.<field>` (the reference answers `values.email` for a draft step's `email`).
 * - `details.current_version` of `412 version_conflict` is a number.
 * - Replays are compared as parsed JSON (status and body), not byte for byte: a database may store
 *   the first answer as JSON and reorder its keys.
 * - `POST /v1/onboarding` and `/submit` take no body; the suite sends `{}`. Resuming answers `200`
 *   (`201` is for a new application).
 * - Idempotency-Key is checked after the body is validated and after If-Match is required, so each
 *   refusal is provoked with everything else right.
 * - The event feed is read with a token holding a scope that reads some event type, as the
 *   contracts' `EVENT_READ_SCOPES` gives them (`quote.*` needs `quote:read`, …); the page holds
 *   only the types its scopes read, and a token with none of those scopes is `403
 *   insufficient_scope`. Each event's `partner_id` is the token's `client_id` and its `account_id`
 *   the token's `sub`: a widget token must not read other customers' events. `next_cursor` is an
 *   integer to pass as `after`.
 * - RateLimit headers are the three `RateLimit-Limit` / `-Remaining` / `-Reset` integers the token
 *   service also sends. A `429` the suite did not ask for is waited out (`Retry-After`) and retried,
 *   so a deployment's per-customer limit does not fail the run.
 * - CORS: a preflight carries no token, so it only has to answer `ctx.origin` with exactly
 *   `ctx.origin` (never `*`, never credentials) and allow the headers the widgets send
 *   (Authorization, Content-Type, DPoP, Idempotency-Key, If-Match, X-Tessera-Session,
 *   Tessera-Simulate). A data response allows exactly the token's origin, varies on `Origin`, and
 *   exposes `ETag` and `X-Request-Id`. What an error response to a foreign origin allows is not
 *   checked beyond "never `*`": it carries no data.
 * - A request without `Origin` (a server, not a browser) is let through; the token's scopes, subject
 *   and lifetime still apply. One with another `Origin` is `403 origin_mismatch`.
 * - Sandbox switches run only when the token's `tessera_mode` claim says `test` (a live-mode
 *   partner gets `403 simulation_not_allowed` instead). `slow` is not timed.
 * - Declining successfully is not covered: the seed has one open quote and the suite accepts it.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import {
  Account,
  AccountId,
  CountryList,
  CurrencyList,
  ERROR_CATALOGUE,
  EVENT_FEED_SCOPES,
  EVENT_READ_SCOPES,
  ErrorEnvelope,
  OnboardingApplication,
  OnboardingId,
  PartnerId,
  Quote,
  QuoteId,
  SCOPES,
  Timestamp,
  TokenResponse,
  readableEventTypes,
  type Country,
  type ErrorCode,
  type OnboardingStep,
  type Scope,
} from '../../contracts/index.ts';
import { partnerContractSuite } from './partner-suite.ts';

export interface ContractContext {
  baseUrl: string;
  tokenServiceUrl: string;
  partnerKey: string;
  origin: string;
  seed: {
    account_id: string;
    quotes: { open: string; expired: string; accepted: string };
    onboarding_id: string;
  };
  otherAccount?: { account_id: string; quotes: { open: string } };
}

/** The seed as `tessera core-api seed --json` prints it. */
export const ContractSeed = z.object({
  account_id: AccountId,
  quotes: z.object({ open: QuoteId, expired: QuoteId, accepted: QuoteId }),
  onboarding_id: OnboardingId,
});
export const ContractOtherAccount = z.object({
  account_id: AccountId,
  quotes: z.object({ open: QuoteId }),
});

const DomainEvent = z.object({
  cursor: z.int(),
  id: z.string().check(z.minLength(1)),
  partner_id: PartnerId,
  account_id: AccountId,
  type: z.enum(['quote.accepted', 'quote.declined', 'onboarding.submitted', 'account.updated']),
  data: z.record(z.string(), z.unknown()),
  request_id: z.string(),
  caller_request_id: z.optional(z.nullable(z.string())),
  session_id: z.nullable(z.string()),
  created_at: Timestamp,
});
type DomainEvent = z.infer<typeof DomainEvent>;
const EventPage = z.object({ data: z.array(DomainEvent), next_cursor: z.int() });

const FieldIssues = z.array(z.object({ path: z.string(), code: z.string(), message: z.string() }));

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

interface CallOptions {
  /** Scopes to mint a token with (default: all six); `{ token }` sends that token; null none. */
  auth?: readonly Scope[] | { token: string } | null;
  /** The token's subject (default: the seed's account). */
  subject?: string;
  /** The request's `Origin` (default: ctx.origin); null sends none. */
  origin?: string | null;
  /** A body sent as JSON. */
  json?: unknown;
  /** A body sent as it is, with `contentType` (default application/json). */
  raw?: string;
  contentType?: string;
  /** Default for POST and PATCH: a fresh key. null sends none. */
  idempotencyKey?: string | null;
  ifMatch?: string;
  headers?: Record<string, string>;
}

const VALID_ACCEPT = {
  signer_name: 'Contract Tester',
  signer_email: 'contract.tester@example.com',
  accept_terms: true,
} as const;
const ETAG = /^(?:W\/)?"v?(\d+)"$/;
/** The headers a widget sends, which a preflight must allow. */
const WIDGET_HEADERS = [
  'authorization',
  'content-type',
  'dpop',
  'idempotency-key',
  'if-match',
  'x-tessera-session',
  'tessera-simulate',
];

const alnum = (length: number) =>
  randomBytes(length)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .padEnd(length, 'x')
    .slice(0, length);
const randomId = (prefix: string) => `${prefix}_${alnum(20)}`;
const csv = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function decodeClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function contractSuite(ctx: () => ContractContext): void {
  widgetContractSuite(ctx);
  partnerContractSuite(ctx);
}

function widgetContractSuite(ctx: () => ContractContext): void {
  const runId = alnum(10);
  const tokens = new Map<string, { token: string; expiresAt: number }>();

  // --- talking to the deployment ------------------------------------------------------------------

  async function mint(scopes: readonly Scope[], subject?: string): Promise<string> {
    const c = ctx();
    const sub = subject ?? c.seed.account_id;
    const cacheKey = `${sub} ${[...scopes].sort().join(' ')}`;
    const cached = tokens.get(cacheKey);
    if (cached && cached.expiresAt - Date.now() > 30_000) return cached.token;
    const response = await fetch(`${c.tokenServiceUrl}/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.partnerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: sub, scopes, origin: c.origin }),
    });
    const text = await response.text();
    if (response.status !== 201) {
      throw new Error(
        `The token service refused to mint a token (${response.status} ${text}). The partner needs all six scopes and ${c.origin} among its origins.`,
      );
    }
    const minted = TokenResponse.parse(JSON.parse(text));
    tokens.set(cacheKey, { token: minted.token, expiresAt: Date.parse(minted.expires_at) });
    return minted.token;
  }

  async function call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const c = ctx();
    const headers: Record<string, string> = {};
    const auth = options.auth === undefined ? SCOPES : options.auth;
    if (auth !== null) {
      const token = 'token' in auth ? auth.token : await mint(auth, options.subject);
      headers.authorization = `Bearer ${token}`;
    }
    const origin = options.origin === undefined ? c.origin : options.origin;
    if (origin !== null) headers.origin = origin;
    let body: string | undefined;
    if (options.json !== undefined) body = JSON.stringify(options.json);
    if (options.raw !== undefined) body = options.raw;
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    const mutation = method === 'POST' || method === 'PATCH';
    const key =
      options.idempotencyKey === undefined
        ? mutation
          ? `contract-${randomUUID()}`
          : null
        : options.idempotencyKey;
    if (key !== null) headers['idempotency-key'] = key;
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    Object.assign(headers, options.headers);

    const simulated = Object.keys(headers).some(
      (name) => name.toLowerCase() === 'tessera-simulate',
    );
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${c.baseUrl}${path}`, { method, headers, body });
      const text = await response.text();
      if (response.status === 429 && !simulated && attempt < 5) {
        // A deployment's rate limit is not what this suite tests: wait it out as a client should.
        const wait = Number(response.headers.get('retry-after') ?? 1);
        await sleep(Math.min(Math.max(Number.isFinite(wait) ? wait : 1, 0.2), 10) * 1000);
        continue;
      }
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: assertions say so */
      }
      return { status: response.status, headers: response.headers, text, body: parsed };
    }
  }

  const show = (reply: Reply) => `${reply.status} ${reply.text.slice(0, 600)}`;

  function expectOk<S extends z.ZodMiniType>(reply: Reply, schema: S, status = 200): z.infer<S> {
    assert.equal(reply.status, status, `expected ${status}, got ${show(reply)}`);
    assert.match(reply.headers.get('content-type') ?? '', /^application\/json/i);
    const parsed = schema.safeParse(reply.body);
    assert.ok(
      parsed.success,
      `the answer does not match the v1 contract: ${parsed.error?.message ?? ''}\n${show(reply)}`,
    );
    return parsed.data;
  }

  function expectError(reply: Reply, code: ErrorCode) {
    const parsed = ErrorEnvelope.safeParse(reply.body);
    assert.ok(parsed.success, `expected the ${code} error envelope, got ${show(reply)}`);
    const { error } = parsed.data;
    assert.equal(error.code, code, `expected ${code}, got ${show(reply)}`);
    assert.equal(
      reply.status,
      ERROR_CATALOGUE[code].status,
      `${code} answers its catalogue status`,
    );
    assert.ok(error.request_id.length > 0, 'the envelope carries a request_id');
    assert.equal(error.request_id, reply.headers.get('x-request-id'), 'request_id = X-Request-Id');
    assert.ok(error.doc_url.endsWith(`#${code}`), `doc_url points at ${code}`);
    assert.doesNotMatch(reply.text, /\bat .+\.(?:ts|js|mjs):\d+/, 'no stack trace in an answer');
    return error;
  }

  function expectFields(reply: Reply, code: ErrorCode, ...fields: string[]) {
    const error = expectError(reply, code);
    const issues = FieldIssues.safeParse(error.details?.fields);
    assert.ok(issues.success, `details.fields lists {path, code, message}: ${show(reply)}`);
    assert.ok(issues.data.length > 0, 'details.fields is not empty');
    for (const field of fields) {
      assert.ok(
        issues.data.some((issue) => issue.path === field || issue.path.endsWith(`.${field}`)),
        `details.fields names ${field}: ${JSON.stringify(issues.data)}`,
      );
    }
    return issues.data;
  }

  function etagVersion(reply: Reply): number {
    const etag = reply.headers.get('etag');
    assert.ok(etag, `a resource answers ETag: ${show(reply)}`);
    const match = ETAG.exec(etag);
    assert.ok(match, `ETag ${etag} is "<version>" or "v<version>", strong or weak`);
    return Number(match[1]);
  }

  function expectEtag(reply: Reply, version: number): string {
    assert.equal(etagVersion(reply), version, 'the ETag names the version in the body');
    return reply.headers.get('etag') ?? '';
  }

  function expectReplay(first: Reply, again: Reply) {
    assert.equal(again.status, first.status, `a replay answers the first status: ${show(again)}`);
    assert.deepEqual(again.body, first.body, 'a replay answers the first body');
  }

  const seed = () => ctx().seed;
  const other = () => ctx().otherAccount;
  const quotePath = (id: string) => `/v1/quotes/${id}`;
  const accountPath = () => `/v1/accounts/${seed().account_id}`;
  const onboardingPath = () => `/v1/onboarding/${seed().onboarding_id}`;

  async function read<S extends z.ZodMiniType>(path: string, schema: S) {
    const reply = await call('GET', path);
    const body = expectOk(reply, schema) as z.infer<S> & { version: number };
    return { body, etag: expectEtag(reply, body.version) };
  }

  async function referenceData(): Promise<{ countries: Country[]; currencies: Set<string> }> {
    const countries = expectOk(await call('GET', '/v1/reference/countries'), CountryList).data;
    const currencies = expectOk(await call('GET', '/v1/reference/currencies'), CurrencyList).data;
    return { countries, currencies: new Set(currencies.map((currency) => currency.code)) };
  }

  /** Pages through the feed from the start until `match` finds an event, for up to 10 s. */
  async function findEvent(
    what: string,
    match: (event: DomainEvent) => boolean,
    scopes: readonly Scope[] = ['quote:read'],
  ): Promise<DomainEvent> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      let after = 0;
      for (let page = 0; page < 1000; page++) {
        const body = expectOk(
          await call('GET', `/v1/events?after=${after}&limit=100`, { auth: scopes }),
          EventPage,
        );
        const found = body.data.find(match);
        if (found) return found;
        if (body.data.length === 0) break;
        after = body.next_cursor;
      }
      assert.ok(Date.now() < deadline, `the event feed never listed ${what}`);
      await sleep(250);
    }
  }

  // --- the contract ----------------------------------------------------------------------------------

  describe('contract: operations', () => {
    it('answers GET /healthz with 200 and no token', async () => {
      const reply = await call('GET', '/healthz', { auth: null, origin: null });
      assert.equal(reply.status, 200, show(reply));
      assert.equal((reply.body as { status?: unknown }).status, 'ok');
    });
    it('answers GET /readyz with 200 ready once its database and token service keys answer', async () => {
      const reply = await call('GET', '/readyz', { auth: null, origin: null });
      assert.equal(reply.status, 200, show(reply));
      assert.equal((reply.body as { status?: unknown }).status, 'ready');
    });
  });

  describe('contract: authentication', () => {
    it('refuses a request without a token with 401 token_missing and a WWW-Authenticate challenge', async () => {
      const reply = await call('GET', quotePath(seed().quotes.open), { auth: null });
      expectError(reply, 'token_missing');
      assert.match(reply.headers.get('www-authenticate') ?? '', /^(Bearer|DPoP)\b/i);
    });

    it('refuses a token that is not a JWT with 401 token_malformed', async () => {
      const reply = await call('GET', quotePath(seed().quotes.open), {
        auth: { token: 'not-a-jwt' },
      });
      expectError(reply, 'token_malformed');
      assert.match(reply.headers.get('www-authenticate') ?? '', /invalid_token/);
    });

    it('refuses a token whose signature was altered with 401 token_signature_invalid', async () => {
      const [header, payload, signature = ''] = (await mint(SCOPES)).split('.');
      const at = Math.floor(signature.length / 2);
      const flipped = signature[at] === 'A' ? 'B' : 'A';
      const token = `${header}.${payload}.${signature.slice(0, at)}${flipped}${signature.slice(at + 1)}`;
      expectError(
        await call('GET', quotePath(seed().quotes.open), { auth: { token } }),
        'token_signature_invalid',
      );
    });

    it("refuses a request whose Origin is not the token's origin with 403 origin_mismatch", async () => {
      expectError(
        await call('GET', quotePath(seed().quotes.open), { origin: 'https://attacker.example' }),
        'origin_mismatch',
      );
    });

    it('lets a server-to-server request without Origin through (the token still applies)', async () => {
      const reply = await call('GET', quotePath(seed().quotes.open), { origin: null });
      expectOk(reply, Quote);
    });

    // Each endpoint, with a token holding every scope but the one it needs. Mutations target
    // resources they cannot change anyway (the accepted quote, `If-Match: "0"`), in case the
    // scope check is missing.
    const scoped: {
      route: string;
      method: string;
      path: () => string;
      scope: Scope;
      json?: unknown;
      ifMatch?: string;
    }[] = [
      {
        route: 'GET /v1/quotes/{id}',
        method: 'GET',
        path: () => quotePath(seed().quotes.open),
        scope: 'quote:read',
      },
      {
        route: 'POST /v1/quotes/{id}/accept',
        method: 'POST',
        path: () => `${quotePath(seed().quotes.accepted)}/accept`,
        scope: 'quote:accept',
        json: VALID_ACCEPT,
      },
      {
        route: 'POST /v1/quotes/{id}/decline',
        method: 'POST',
        path: () => `${quotePath(seed().quotes.accepted)}/decline`,
        scope: 'quote:accept',
        json: {},
      },
      {
        route: 'POST /v1/onboarding',
        method: 'POST',
        path: () => '/v1/onboarding',
        scope: 'onboarding:write',
        json: {},
      },
      {
        route: 'GET /v1/onboarding/{id}',
        method: 'GET',
        path: onboardingPath,
        scope: 'onboarding:read',
      },
      {
        route: 'PATCH /v1/onboarding/{id}',
        method: 'PATCH',
        path: onboardingPath,
        scope: 'onboarding:write',
        json: { step: 'contact', values: {} },
        ifMatch: '"0"',
      },
      {
        route: 'POST /v1/onboarding/{id}/submit',
        method: 'POST',
        path: () => `${onboardingPath()}/submit`,
        scope: 'onboarding:write',
        json: {},
        ifMatch: '"0"',
      },
      { route: 'GET /v1/accounts/{id}', method: 'GET', path: accountPath, scope: 'account:read' },
      {
        route: 'PATCH /v1/accounts/{id}',
        method: 'PATCH',
        path: accountPath,
        scope: 'account:write',
        json: { legal_name: 'Never Saved' },
        ifMatch: '"0"',
      },
    ];
    for (const op of scoped) {
      it(`refuses ${op.route} without ${op.scope} with 403 insufficient_scope`, async () => {
        const reply = await call(op.method, op.path(), {
          auth: SCOPES.filter((scope) => scope !== op.scope),
          ...(op.json === undefined ? {} : { json: op.json }),
          ...(op.ifMatch === undefined ? {} : { ifMatch: op.ifMatch }),
        });
        const error = expectError(reply, 'insufficient_scope');
        assert.ok(
          typeof error.details?.required_scope === 'string' &&
            error.details.required_scope.split(' ').includes(op.scope),
          `details.required_scope names ${op.scope}: ${show(reply)}`,
        );
        assert.match(reply.headers.get('www-authenticate') ?? '', /insufficient_scope/);
      });
    }

    it('answers reference data to a token with any single scope', async () => {
      for (const scope of SCOPES)
        expectOk(await call('GET', '/v1/reference/countries', { auth: [scope] }), CountryList);
    });

    it('answers the event feed to a token with any one scope that reads an event type', async () => {
      for (const scope of EVENT_FEED_SCOPES)
        expectOk(await call('GET', '/v1/events?after=0', { auth: [scope] }), EventPage);
    });

    it('refuses the event feed to a token with none of the scopes that read an event type with 403 insufficient_scope', async () => {
      const none = SCOPES.filter((scope) => !EVENT_FEED_SCOPES.includes(scope));
      const reply = await call('GET', '/v1/events?after=0', { auth: none });
      const error = expectError(reply, 'insufficient_scope');
      const required = error.details?.required_scope;
      const named = typeof required === 'string' ? required.split(' ') : [];
      for (const scope of EVENT_FEED_SCOPES)
        assert.ok(named.includes(scope), `details.required_scope names ${scope}: ${show(reply)}`);
      assert.match(reply.headers.get('www-authenticate') ?? '', /insufficient_scope/);
    });
  });

  describe('contract: correlation and rate-limit headers', () => {
    it('echoes X-Request-Id on successes and on errors, and uses it as the envelope request_id', async () => {
      const id = `contract-${runId}-echo`;
      const headers = { 'x-request-id': id };
      const ok = await call('GET', quotePath(seed().quotes.open), { headers });
      assert.equal(ok.status, 200, show(ok));
      assert.equal(ok.headers.get('x-request-id'), id);
      for (const reply of [
        await call('GET', quotePath(seed().quotes.open), { auth: null, headers }),
        await call('GET', quotePath(randomId('qt')), { headers }),
        await call('PATCH', accountPath(), { headers, json: {} }),
        await call('GET', '/v1/reference/currencies', { headers }),
      ]) {
        assert.equal(reply.headers.get('x-request-id'), id, show(reply));
        if (reply.status >= 400) assert.equal(expectAnyError(reply).request_id, id);
      }
    });

    it('gives a request without X-Request-Id one of its own', async () => {
      const reply = await call('GET', quotePath(seed().quotes.open));
      assert.ok((reply.headers.get('x-request-id') ?? '').length > 0);
    });

    it('sends RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset on API answers', async () => {
      for (const path of [quotePath(seed().quotes.open), '/v1/reference/countries']) {
        const reply = await call('GET', path);
        for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) {
          assert.match(reply.headers.get(name) ?? '', /^\d+$/, `${path}: ${name}`);
        }
        assert.ok(
          Number(reply.headers.get('ratelimit-remaining')) <=
            Number(reply.headers.get('ratelimit-limit')),
        );
      }
    });
  });

  function expectAnyError(reply: Reply) {
    const parsed = ErrorEnvelope.safeParse(reply.body);
    assert.ok(parsed.success, `an error envelope: ${show(reply)}`);
    return parsed.data.error;
  }

  describe('contract: CORS', () => {
    async function preflight(method: string, origin: string) {
      return fetch(`${ctx().baseUrl}${quotePath(seed().quotes.open)}/accept`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': WIDGET_HEADERS.join(','),
        },
      });
    }

    it("answers a preflight from the token's origin with exactly that origin, never *", async () => {
      for (const method of ['POST', 'PATCH', 'GET']) {
        const response = await preflight(method, ctx().origin);
        await response.body?.cancel();
        assert.ok(response.status === 200 || response.status === 204, `${response.status}`);
        assert.equal(response.headers.get('access-control-allow-origin'), ctx().origin);
        assert.notEqual(response.headers.get('access-control-allow-credentials'), 'true');
        const methods = csv(response.headers.get('access-control-allow-methods'));
        assert.ok(methods.includes(method.toLowerCase()) || methods.includes('*'), method);
      }
    });

    it('allows the headers the widgets send in a preflight (Authorization by name)', async () => {
      const response = await preflight('PATCH', ctx().origin);
      await response.body?.cancel();
      const allowed = csv(response.headers.get('access-control-allow-headers'));
      assert.ok(allowed.includes('authorization'), 'Authorization is never covered by *');
      for (const name of WIDGET_HEADERS) {
        assert.ok(allowed.includes(name) || allowed.includes('*'), `${name} is allowed`);
      }
    });

    it("allows exactly the token's origin on a data answer, varies on Origin, and exposes ETag and X-Request-Id", async () => {
      const reply = await call('GET', quotePath(seed().quotes.open));
      assert.equal(reply.status, 200, show(reply));
      assert.equal(reply.headers.get('access-control-allow-origin'), ctx().origin);
      assert.ok(csv(reply.headers.get('vary')).includes('origin'), 'Vary: Origin');
      const exposed = csv(reply.headers.get('access-control-expose-headers'));
      for (const name of ['etag', 'x-request-id']) {
        assert.ok(exposed.includes(name) || exposed.includes('*'), `${name} is exposed`);
      }
    });

    it('never answers Access-Control-Allow-Origin: *, not even to errors or foreign origins', async () => {
      const replies = [
        await call('GET', quotePath(seed().quotes.open), { auth: null }),
        await call('GET', quotePath(seed().quotes.open), { origin: 'https://attacker.example' }),
      ];
      for (const reply of replies) {
        assert.notEqual(reply.headers.get('access-control-allow-origin'), '*');
      }
      const foreign = await preflight('POST', 'https://attacker.example');
      await foreign.body?.cancel();
      assert.notEqual(foreign.headers.get('access-control-allow-origin'), '*');
    });
  });

  describe('contract: reference data', () => {
    it('lists countries as { data: Country[] }, each region inside its country', async () => {
      const { data } = expectOk(await call('GET', '/v1/reference/countries'), CountryList);
      assert.ok(data.length > 0);
      assert.equal(new Set(data.map((country) => country.code)).size, data.length, 'unique');
      for (const country of data) {
        for (const region of country.regions) assert.ok(region.code.startsWith(`${country.code}-`));
      }
    });

    it("lists currencies as { data: Currency[] }, every country's default currency among them", async () => {
      const { countries, currencies } = await referenceData();
      assert.ok(currencies.size > 0);
      for (const country of countries) {
        assert.ok(
          currencies.has(country.default_currency),
          `${country.code} ${country.default_currency}`,
        );
      }
    });

    it('refuses reference data without a token with 401 token_missing', async () => {
      expectError(await call('GET', '/v1/reference/countries', { auth: null }), 'token_missing');
      expectError(await call('GET', '/v1/reference/currencies', { auth: null }), 'token_missing');
    });
  });

  describe('contract: sandbox switches (Tessera-Simulate)', () => {
    // The token service says which mode the partner is in; a deployment without the claim skips.
    const modeOf = async () => decodeClaims(await mint(SCOPES)).tessera_mode;
    const simulate = (value: string) => ({ headers: { 'tessera-simulate': value } });

    const cases: [value: string, code: ErrorCode][] = [
      ['rate_limited', 'rate_limited'],
      ['server_error', 'internal_error'],
      ['token_expired', 'token_expired'],
    ];
    for (const [value, code] of cases) {
      it(`answers Tessera-Simulate: ${value} with ${ERROR_CATALOGUE[code].status} ${code} for a test-mode partner`, async (t) => {
        if ((await modeOf()) !== 'test') return t.skip('the partner is not in test mode');
        const reply = await call('GET', quotePath(seed().quotes.open), simulate(value));
        expectError(reply, code);
        if (code === 'rate_limited') assert.match(reply.headers.get('retry-after') ?? '', /^\d+$/);
        if (code === 'token_expired')
          assert.match(reply.headers.get('www-authenticate') ?? '', /invalid_token/);
      });
    }

    it('answers Tessera-Simulate: conflict on a PATCH with 412 version_conflict and details.current_version', async (t) => {
      if ((await modeOf()) !== 'test') return t.skip('the partner is not in test mode');
      const { etag } = await read(accountPath(), Account);
      const reply = await call('PATCH', accountPath(), {
        ifMatch: etag,
        json: { legal_name: 'Never Saved' },
        ...simulate('conflict'),
      });
      const error = expectError(reply, 'version_conflict');
      assert.equal(typeof error.details?.current_version, 'number');
    });

    it('refuses an unknown Tessera-Simulate value with 400 validation_failed', async (t) => {
      if ((await modeOf()) !== 'test') return t.skip('the partner is not in test mode');
      expectError(
        await call('GET', quotePath(seed().quotes.open), simulate('meteor_strike')),
        'validation_failed',
      );
    });

    it('refuses Tessera-Simulate for a live-mode partner with 403 simulation_not_allowed', async (t) => {
      if ((await modeOf()) !== 'live') return t.skip('the partner is not in live mode');
      expectError(
        await call('GET', quotePath(seed().quotes.open), simulate('server_error')),
        'simulation_not_allowed',
      );
    });
  });

  describe('contract: quotes, reading and refusing', () => {
    it('reads the open quote as a v1 Quote with an ETag naming its version', async () => {
      const { body } = await read(quotePath(seed().quotes.open), Quote);
      assert.equal(body.id, seed().quotes.open);
      assert.equal(body.account_id, seed().account_id);
      assert.equal(body.status, 'open');
      assert.ok(Date.parse(body.valid_until) > Date.now(), 'an open quote is still valid');
    });

    it('reads the expired quote as expired', async () => {
      const { body } = await read(quotePath(seed().quotes.expired), Quote);
      assert.equal(body.status, 'expired');
      assert.ok(Date.parse(body.valid_until) <= Date.now());
    });

    it('reads the accepted quote as accepted, with when and by whom', async () => {
      const { body } = await read(quotePath(seed().quotes.accepted), Quote);
      assert.equal(body.status, 'accepted');
      assert.ok(body.accepted_at && body.accepted_by);
    });

    it('answers 404 not_found for an unknown quote id, and for a malformed one', async () => {
      expectError(await call('GET', quotePath(randomId('qt'))), 'not_found');
      expectError(await call('GET', quotePath('not-a-quote-id')), 'not_found');
    });

    it("answers 404, never 403, for another account's quote, and refuses to accept it with 404", async () => {
      const id = other()?.quotes.open ?? randomId('qt');
      const read = await call('GET', quotePath(id));
      expectError(read, 'not_found');
      if (other()) assert.ok(!read.text.includes(other()?.account_id ?? '\0'), 'no data leaks');
      expectError(
        await call('POST', `${quotePath(id)}/accept`, { json: VALID_ACCEPT }),
        'not_found',
      );
      expectError(await call('POST', `${quotePath(id)}/decline`, { json: {} }), 'not_found');
    });

    it('refuses to accept the expired quote with 409 quote_expired', async () => {
      const reply = await call('POST', `${quotePath(seed().quotes.expired)}/accept`, {
        json: VALID_ACCEPT,
      });
      expectError(reply, 'quote_expired');
    });

    it('refuses to accept or decline the accepted quote with 409 quote_not_open', async () => {
      const path = quotePath(seed().quotes.accepted);
      expectError(await call('POST', `${path}/accept`, { json: VALID_ACCEPT }), 'quote_not_open');
      expectError(await call('POST', `${path}/decline`, { json: {} }), 'quote_not_open');
    });

    it('refuses an accept without Idempotency-Key with 400 idempotency_key_required', async () => {
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        json: VALID_ACCEPT,
        idempotencyKey: null,
      });
      expectError(reply, 'idempotency_key_required');
    });

    const badAccepts: [what: string, body: unknown, field: string][] = [
      ['an unknown field', { ...VALID_ACCEPT, discount: 50 }, 'discount'],
      ['a name of the wrong type', { ...VALID_ACCEPT, signer_name: 42 }, 'signer_name'],
      ['a bad email', { ...VALID_ACCEPT, signer_email: 'not-an-email' }, 'signer_email'],
      ['terms not accepted', { ...VALID_ACCEPT, accept_terms: false }, 'accept_terms'],
    ];
    for (const [what, json, field] of badAccepts) {
      it(`refuses an accept with ${what} with 400 validation_failed naming ${field}`, async () => {
        const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, { json });
        expectFields(reply, 'validation_failed', field);
      });
    }

    it('refuses a decline with a reason over 1000 characters with 400 validation_failed naming reason', async () => {
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/decline`, {
        json: { reason: 'x'.repeat(1001) },
      });
      expectFields(reply, 'validation_failed', 'reason');
    });

    it('refuses an accept body that is not JSON with 400 invalid_json', async () => {
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        raw: '{"signer_name": "Contract',
      });
      expectError(reply, 'invalid_json');
    });

    it('refuses an accept body sent as text/plain with 415 unsupported_media_type', async () => {
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        raw: JSON.stringify(VALID_ACCEPT),
        contentType: 'text/plain',
      });
      expectError(reply, 'unsupported_media_type');
    });

    it('refuses a 1 MiB accept body with 400 body_too_large', async () => {
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        json: { ...VALID_ACCEPT, signer_name: 'x'.repeat(1024 * 1024) },
      });
      expectError(reply, 'body_too_large');
    });
  });

  describe('contract: isolation between accounts and partners', () => {
    it("answers 404, never 403, for another account's account, read or update", async () => {
      const id = other()?.account_id ?? randomId('acct');
      expectError(await call('GET', `/v1/accounts/${id}`), 'not_found');
      expectError(
        await call('PATCH', `/v1/accounts/${id}`, {
          ifMatch: '"1"',
          json: { legal_name: 'Hijacked' },
        }),
        'not_found',
      );
    });

    it('answers 404 for unknown and malformed onboarding and account ids', async () => {
      expectError(await call('GET', `/v1/onboarding/${randomId('onb')}`), 'not_found');
      expectError(await call('GET', '/v1/onboarding/nonsense'), 'not_found');
      expectError(await call('GET', '/v1/accounts/nonsense'), 'not_found');
    });

    it("answers 404 to a token whose subject is another account, for every one of the seed's resources", async () => {
      const subject = other()?.account_id ?? randomId('acct');
      for (const path of [accountPath(), quotePath(seed().quotes.open), onboardingPath()]) {
        expectError(await call('GET', path, { subject }), 'not_found');
      }
    });

    it("answers 404 to a token naming an account not linked to the token's partner, even for that account's own resources", async () => {
      const target = other();
      const subject = target?.account_id ?? randomId('acct');
      expectError(await call('GET', `/v1/accounts/${subject}`, { subject }), 'not_found');
      if (target) {
        expectError(await call('GET', quotePath(target.quotes.open), { subject }), 'not_found');
        expectError(
          await call('POST', `${quotePath(target.quotes.open)}/accept`, {
            subject,
            json: VALID_ACCEPT,
          }),
          'not_found',
        );
      }
    });
  });

  describe('contract: accounts, ETag and If-Match', () => {
    it('reads the account as a v1 Account with an ETag naming its version', async () => {
      const { body } = await read(accountPath(), Account);
      assert.equal(body.id, seed().account_id);
    });

    it('refuses a PATCH without If-Match with 428 precondition_required', async () => {
      const reply = await call('PATCH', accountPath(), { json: { legal_name: 'Never Saved' } });
      expectError(reply, 'precondition_required');
    });

    it('refuses a PATCH without Idempotency-Key with 400 idempotency_key_required', async () => {
      const { etag } = await read(accountPath(), Account);
      const reply = await call('PATCH', accountPath(), {
        ifMatch: etag,
        idempotencyKey: null,
        json: { legal_name: 'Never Saved' },
      });
      expectError(reply, 'idempotency_key_required');
    });

    const address = (country: string) => ({
      line1: '1 Contract Street',
      city: 'Testville',
      postal_code: '10117',
      country,
    });
    const badUpdates: [what: string, body: () => unknown, field: string][] = [
      ['an unknown field', () => ({ nickname: 'Nope' }), 'nickname'],
      ['a field of the wrong type', () => ({ legal_name: 42 }), 'legal_name'],
      ['a bad email', () => ({ billing_email: 'billing-at-example' }), 'billing_email'],
      ['a phone that is not E.164', () => ({ phone: '030 1234567' }), 'phone'],
      [
        'a country that does not exist',
        async () => {
          const { countries } = await referenceData();
          const codes = new Set(countries.map((country) => country.code));
          const unknown = ['ZZ', 'XX', 'QQ', 'XZ'].find((code) => !codes.has(code)) ?? 'ZZ';
          return { billing_address: address(unknown) };
        },
        'billing_address.country',
      ],
      [
        'a currency that does not exist',
        async () => {
          const { currencies } = await referenceData();
          return { currency: ['ZZZ', 'XYZ', 'QQQ'].find((code) => !currencies.has(code)) ?? 'ZZZ' };
        },
        'currency',
      ],
      ['a tax id no country issues', () => ({ tax_id: '!!??' }), 'tax_id'],
    ];
    for (const [what, body, field] of badUpdates) {
      it(`refuses a PATCH with ${what} with 400 validation_failed naming ${field}`, async () => {
        const { etag } = await read(accountPath(), Account);
        const reply = await call('PATCH', accountPath(), { ifMatch: etag, json: await body() });
        expectFields(reply, 'validation_failed', field);
      });
    }

    it('refuses a PATCH body that is not JSON with 400 invalid_json', async () => {
      const { etag } = await read(accountPath(), Account);
      const reply = await call('PATCH', accountPath(), { ifMatch: etag, raw: '{"legal_name":' });
      expectError(reply, 'invalid_json');
    });

    it('refuses a 1 MiB PATCH body with 400 body_too_large', async () => {
      const { etag } = await read(accountPath(), Account);
      const reply = await call('PATCH', accountPath(), {
        ifMatch: etag,
        json: { legal_name: 'x'.repeat(1024 * 1024) },
      });
      expectError(reply, 'body_too_large');
    });

    // One update, then what depends on it: its replay, its key reused, its old ETag.
    let before: { body: Account; etag: string } | undefined;
    let update: { key: string; json: { legal_name: string }; reply: Reply } | undefined;

    it('saves a PATCH sent with the current If-Match: new version, new ETag, the change readable', async () => {
      before = await read(accountPath(), Account);
      const key = `contract-${runId}-account`;
      const json = { legal_name: `Contract Run ${runId}` };
      const reply = await call('PATCH', accountPath(), {
        ifMatch: before.etag,
        idempotencyKey: key,
        json,
      });
      update = { key, json, reply };
      const saved = expectOk(reply, Account);
      assert.equal(saved.legal_name, json.legal_name);
      assert.equal(saved.version, before.body.version + 1, 'the version goes up by one');
      const etag = expectEtag(reply, saved.version);
      assert.notEqual(etag, before.etag, 'the ETag changes with the version');
      const again = await read(accountPath(), Account);
      assert.equal(again.body.legal_name, json.legal_name);
      assert.equal(again.etag, etag);
    });

    it('replays a repeated PATCH (same Idempotency-Key, same body) with the identical status and body', async () => {
      assert.ok(before && update, 'needs the saved PATCH');
      const again = await call('PATCH', accountPath(), {
        ifMatch: before.etag,
        idempotencyKey: update.key,
        json: update.json,
      });
      expectReplay(update.reply, again);
    });

    it('refuses the same Idempotency-Key with a different body with 422 idempotency_key_reused', async () => {
      assert.ok(update, 'needs the saved PATCH');
      const { etag } = await read(accountPath(), Account);
      const reply = await call('PATCH', accountPath(), {
        ifMatch: etag,
        idempotencyKey: update.key,
        json: { legal_name: `Another Name ${runId}` },
      });
      expectError(reply, 'idempotency_key_reused');
    });

    it('refuses a PATCH with a stale If-Match with 412 version_conflict and details.current_version', async () => {
      assert.ok(before, 'needs the saved PATCH');
      const current = await read(accountPath(), Account);
      const reply = await call('PATCH', accountPath(), {
        ifMatch: before.etag,
        json: { legal_name: 'Lost Update' },
      });
      const error = expectError(reply, 'version_conflict');
      assert.equal(error.details?.current_version, current.body.version);
      assert.equal((await read(accountPath(), Account)).body.legal_name, current.body.legal_name);
    });
  });

  describe('contract: onboarding (submits the seed application)', () => {
    const steps: OnboardingStep[] = ['company', 'contact', 'billing', 'review'];

    it('starts or resumes: POST /v1/onboarding answers the application in progress', async () => {
      const reply = await call('POST', '/v1/onboarding', { json: {} });
      const application = expectOk(reply, OnboardingApplication, 200);
      assert.equal(application.id, seed().onboarding_id, 'resumes the seed application');
      assert.equal(application.status, 'in_progress');
      expectEtag(reply, application.version);
    });

    it('refuses POST /v1/onboarding without Idempotency-Key with 400 idempotency_key_required', async () => {
      const reply = await call('POST', '/v1/onboarding', { json: {}, idempotencyKey: null });
      expectError(reply, 'idempotency_key_required');
    });

    it('reads the application as a v1 OnboardingApplication with an ETag naming its version', async () => {
      const { body } = await read(onboardingPath(), OnboardingApplication);
      assert.equal(body.account_id, seed().account_id);
      assert.deepEqual(
        body.steps.map((step) => step.id),
        steps,
      );
      assert.ok(
        body.steps.some((step) => !step.complete),
        'the seed application must have an incomplete step (the suite needs a fresh seed)',
      );
    });

    it('refuses to submit an incomplete application with 422 onboarding_incomplete listing details.fields', async () => {
      const reply = await call('POST', `${onboardingPath()}/submit`, { json: {} });
      expectFields(reply, 'onboarding_incomplete');
      const { body } = await read(onboardingPath(), OnboardingApplication);
      assert.equal(body.status, 'in_progress');
    });

    it('refuses a PATCH without If-Match with 428 precondition_required', async () => {
      const reply = await call('PATCH', onboardingPath(), {
        json: { step: 'contact', values: { name: 'Never Saved' } },
      });
      expectError(reply, 'precondition_required');
    });

    it('refuses a PATCH without Idempotency-Key with 400 idempotency_key_required', async () => {
      const { etag } = await read(onboardingPath(), OnboardingApplication);
      const reply = await call('PATCH', onboardingPath(), {
        ifMatch: etag,
        idempotencyKey: null,
        json: { step: 'contact', values: { name: 'Never Saved' } },
      });
      expectError(reply, 'idempotency_key_required');
    });

    const badDrafts: [what: string, body: unknown, field: string][] = [
      ['an unknown step', { step: 'payment', values: {} }, 'step'],
      ['an unknown field', { step: 'contact', values: {}, colour: 'red' }, 'colour'],
      ['a bad email', { step: 'contact', values: { email: 'nobody-at-all' } }, 'email'],
      ['a phone that is not E.164', { step: 'contact', values: { phone: '12345' } }, 'phone'],
    ];
    for (const [what, json, field] of badDrafts) {
      it(`refuses a draft with ${what} with 400 validation_failed naming ${field}`, async () => {
        const { etag } = await read(onboardingPath(), OnboardingApplication);
        const reply = await call('PATCH', onboardingPath(), { ifMatch: etag, json });
        expectFields(reply, 'validation_failed', field);
      });
    }

    it('refuses a PATCH body that is not JSON with 400 invalid_json', async () => {
      const { etag } = await read(onboardingPath(), OnboardingApplication);
      const reply = await call('PATCH', onboardingPath(), { ifMatch: etag, raw: '{"step":' });
      expectError(reply, 'invalid_json');
    });

    let before: { body: OnboardingApplication; etag: string } | undefined;
    let save: { key: string; json: unknown; reply: Reply } | undefined;
    const contact = {
      name: 'Contract Tester',
      email: 'contract.tester@example.com',
      phone: '+493012345678',
    };

    it('saves a step as a draft: PATCH answers the new version, the saved values and a new ETag', async () => {
      before = await read(onboardingPath(), OnboardingApplication);
      const key = `contract-${runId}-onboarding`;
      const json = { step: 'contact', values: contact };
      const reply = await call('PATCH', onboardingPath(), {
        ifMatch: before.etag,
        idempotencyKey: key,
        json,
      });
      save = { key, json, reply };
      const saved = expectOk(reply, OnboardingApplication);
      assert.equal(saved.version, before.body.version + 1);
      assert.notEqual(expectEtag(reply, saved.version), before.etag);
      for (const [field, value] of Object.entries(contact)) {
        assert.equal((saved.values.contact as Record<string, unknown>)[field], value, field);
      }
      assert.equal(saved.steps.find((step) => step.id === 'contact')?.complete, true);
      assert.equal(saved.status, 'in_progress');
    });

    it('replays a repeated draft save (same Idempotency-Key, same body) with the identical status and body', async () => {
      assert.ok(before && save, 'needs the saved draft');
      const again = await call('PATCH', onboardingPath(), {
        ifMatch: before.etag,
        idempotencyKey: save.key,
        json: save.json,
      });
      expectReplay(save.reply, again);
    });

    it('refuses the same Idempotency-Key with a different body with 422 idempotency_key_reused', async () => {
      assert.ok(save, 'needs the saved draft');
      const { etag } = await read(onboardingPath(), OnboardingApplication);
      const reply = await call('PATCH', onboardingPath(), {
        ifMatch: etag,
        idempotencyKey: save.key,
        json: { step: 'contact', values: { name: 'Someone Else' } },
      });
      expectError(reply, 'idempotency_key_reused');
    });

    it('refuses a draft with a stale If-Match with 412 version_conflict and details.current_version', async () => {
      assert.ok(before, 'needs the saved draft');
      const current = await read(onboardingPath(), OnboardingApplication);
      const reply = await call('PATCH', onboardingPath(), {
        ifMatch: before.etag,
        json: { step: 'contact', values: { name: 'Lost Update' } },
      });
      const error = expectError(reply, 'version_conflict');
      assert.equal(error.details?.current_version, current.body.version);
    });

    let submitted: OnboardingApplication | undefined;

    it('submits once every step is complete: 200, status submitted, submitted_at set', async () => {
      const { countries } = await referenceData();
      let { body, etag } = await read(onboardingPath(), OnboardingApplication);
      const company = body.values.company;
      const country =
        countries.find((entry) => entry.code === company?.country) ??
        countries.find((entry) => entry.code === 'DE') ??
        countries[0];
      assert.ok(country, 'the API lists at least one country');
      const values: Record<OnboardingStep, Record<string, unknown>> = {
        company: {
          legal_name: 'Contract Test GmbH',
          registration_number: 'HRB 12345',
          country: country.code,
          tax_id: TAX_IDS[country.code] ?? 'AB123456',
        },
        contact,
        billing: {
          address: {
            line1: '1 Contract Street',
            city: 'Testville',
            postal_code: '10117',
            country: country.code,
          },
          billing_email: 'billing@example.com',
          currency: country.default_currency,
        },
        review: { accept_terms: true },
      };
      for (const step of steps) {
        if (body.steps.find((entry) => entry.id === step)?.complete) continue;
        const reply = await call('PATCH', onboardingPath(), {
          ifMatch: etag,
          json: { step, values: values[step] },
        });
        body = expectOk(reply, OnboardingApplication);
        etag = expectEtag(reply, body.version);
      }
      assert.ok(
        body.steps.every((step) => step.complete),
        `every step is complete: ${JSON.stringify(body.steps)}`,
      );

      const reply = await call('POST', `${onboardingPath()}/submit`, {
        json: {},
        headers: { 'x-request-id': `contract-${runId}-submit` },
      });
      submitted = expectOk(reply, OnboardingApplication);
      assert.equal(submitted.status, 'submitted');
      assert.ok(submitted.submitted_at, 'submitted_at is set');
      expectEtag(reply, submitted.version);
    });

    it('refuses a PATCH to a submitted application with 409 onboarding_submitted', async () => {
      assert.ok(submitted, 'needs the submitted application');
      const { etag } = await read(onboardingPath(), OnboardingApplication);
      const reply = await call('PATCH', onboardingPath(), {
        ifMatch: etag,
        json: { step: 'contact', values: { name: 'Too Late' } },
      });
      expectError(reply, 'onboarding_submitted');
    });

    it('refuses to submit a submitted application again with 409 onboarding_submitted', async () => {
      assert.ok(submitted, 'needs the submitted application');
      expectError(
        await call('POST', `${onboardingPath()}/submit`, { json: {} }),
        'onboarding_submitted',
      );
      const { body } = await read(onboardingPath(), OnboardingApplication);
      assert.equal(body.status, 'submitted');
      assert.equal(body.version, submitted.version, 'a read-only application keeps its version');
    });
  });

  describe("contract: accepting a quote (uses the seed's open quote)", () => {
    let before: { body: Quote; etag: string } | undefined;
    let accept: { key: string; reply: Reply; requestId: string; sessionId: string } | undefined;

    it('accepts the open quote: 200, status accepted, accepted_by the signer, a new version and ETag', async () => {
      before = await read(quotePath(seed().quotes.open), Quote);
      assert.equal(before.body.status, 'open', 'the seed quote must be open (use a fresh seed)');
      const key = `contract-${runId}-accept`;
      const requestId = `contract-${runId}-accept`;
      const sessionId = `contract-session-${runId}`;
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        idempotencyKey: key,
        json: VALID_ACCEPT,
        headers: { 'x-request-id': requestId, 'x-tessera-session': sessionId },
      });
      accept = { key, reply, requestId, sessionId };
      const quote = expectOk(reply, Quote);
      assert.equal(quote.status, 'accepted');
      assert.deepEqual(quote.accepted_by, {
        name: VALID_ACCEPT.signer_name,
        email: VALID_ACCEPT.signer_email,
      });
      assert.ok(quote.accepted_at);
      assert.ok(quote.version > before.body.version, 'the version goes up');
      assert.notEqual(expectEtag(reply, quote.version), before.etag, 'the ETag changes');
    });

    it('replays the accept (same Idempotency-Key, same body) with the identical status and body', async () => {
      assert.ok(accept, 'needs the accept');
      const again = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        idempotencyKey: accept.key,
        json: VALID_ACCEPT,
      });
      expectReplay(accept.reply, again);
    });

    it('refuses the same Idempotency-Key with a different body with 422 idempotency_key_reused', async () => {
      assert.ok(accept, 'needs the accept');
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        idempotencyKey: accept.key,
        json: { ...VALID_ACCEPT, signer_name: 'Somebody Else' },
      });
      expectError(reply, 'idempotency_key_reused');
    });

    it('refuses to accept it again under a new Idempotency-Key with 409 quote_not_open', async () => {
      const reply = await call('POST', `${quotePath(seed().quotes.open)}/accept`, {
        json: VALID_ACCEPT,
      });
      expectError(reply, 'quote_not_open');
    });

    it('reads it back as accepted, with the ETag of its new version', async () => {
      assert.ok(accept, 'needs the accept');
      const { body } = await read(quotePath(seed().quotes.open), Quote);
      assert.equal(body.status, 'accepted');
      assert.equal(body.version, (accept.reply.body as Quote).version);
    });
  });

  describe('contract: event feed', () => {
    it('lists quote.accepted for the accepted quote, with the request id and session id of the accept', async () => {
      const event = await findEvent(
        `quote.accepted for ${seed().quotes.open}`,
        (candidate) =>
          candidate.type === 'quote.accepted' && candidate.data.id === seed().quotes.open,
      );
      assert.equal(event.account_id, seed().account_id);
      assert.equal(event.caller_request_id, `contract-${runId}-accept`);
      assert.equal(event.session_id, `contract-session-${runId}`);
      assert.equal(Quote.parse(event.data).status, 'accepted');
    });

    it('lists onboarding.submitted for the submitted application', async () => {
      const event = await findEvent(
        `onboarding.submitted for ${seed().onboarding_id}`,
        (candidate) =>
          candidate.type === 'onboarding.submitted' && candidate.data.id === seed().onboarding_id,
        [EVENT_READ_SCOPES['onboarding.submitted']],
      );
      assert.equal(OnboardingApplication.parse(event.data).status, 'submitted');
      assert.equal(event.caller_request_id, `contract-${runId}-submit`);
      assert.equal(event.session_id, null, 'no X-Tessera-Session, no session id');
    });

    it('lists account.updated for the account update', async () => {
      const event = await findEvent(
        'account.updated with the new legal name',
        (candidate) =>
          candidate.type === 'account.updated' &&
          candidate.data.legal_name === `Contract Run ${runId}`,
        [EVENT_READ_SCOPES['account.updated']],
      );
      assert.equal(Account.parse(event.data).id, seed().account_id);
    });

    it("answers only the token's partner and account, oldest first, each event after the cursor", async () => {
      const claims = decodeClaims(await mint(['quote:read']));
      const { data, next_cursor } = expectOk(
        await call('GET', '/v1/events?after=0&limit=100', { auth: ['quote:read'] }),
        EventPage,
      );
      assert.ok(data.length > 0, 'the suite caused events');
      for (const event of data) {
        assert.equal(event.partner_id, claims.client_id);
        assert.equal(event.account_id, claims.sub);
        assert.ok(event.cursor > 0);
      }
      const cursors = data.map((event) => event.cursor);
      assert.deepEqual(
        cursors,
        [...cursors].sort((a, b) => a - b),
        'oldest first',
      );
      assert.equal(new Set(data.map((event) => event.id)).size, data.length, 'unique ids');
      assert.equal(next_cursor, cursors.at(-1), 'next_cursor is the last cursor of the page');

      const first = data[0];
      assert.ok(first);
      const rest = expectOk(
        await call('GET', `/v1/events?after=${first.cursor}&limit=100`, { auth: ['quote:read'] }),
        EventPage,
      );
      assert.ok(rest.data.every((event) => event.cursor > first.cursor));
    });

    it('pages with limit and next_cursor without skipping or repeating an event', async () => {
      const all = expectOk(
        await call('GET', '/v1/events?after=0&limit=100', { auth: ['quote:read'] }),
        EventPage,
      ).data.slice(0, 4);
      const paged: string[] = [];
      let after = 0;
      for (let i = 0; i < all.length; i++) {
        const page = expectOk(
          await call('GET', `/v1/events?after=${after}&limit=1`, { auth: ['quote:read'] }),
          EventPage,
        );
        assert.ok(page.data.length <= 1, 'limit is honoured');
        paged.push(...page.data.map((event) => event.id));
        after = page.next_cursor;
      }
      assert.deepEqual(
        paged,
        all.map((event) => event.id),
      );
    });

    it('answers an empty page past the end, with next_cursor to poll from', async () => {
      const { data } = expectOk(
        await call('GET', '/v1/events?after=0&limit=100', { auth: ['quote:read'] }),
        EventPage,
      );
      let last = data.at(-1)?.cursor ?? 0;
      for (;;) {
        const page = expectOk(
          await call('GET', `/v1/events?after=${last}&limit=100`, { auth: ['quote:read'] }),
          EventPage,
        );
        if (page.data.length === 0) {
          assert.ok(page.next_cursor >= last, 'polling never goes backwards');
          break;
        }
        last = page.next_cursor;
      }
    });

    it('shows a token only the event types its scopes read, and every type they read', async () => {
      /** Every event of the feed for a token with `scopes`, following next_cursor to the end. */
      async function everything(scopes: readonly Scope[]): Promise<DomainEvent[]> {
        const events: DomainEvent[] = [];
        let after = 0;
        for (let page = 0; page < 1000; page++) {
          const body = expectOk(
            await call('GET', `/v1/events?after=${after}&limit=100`, { auth: scopes }),
            EventPage,
          );
          if (body.data.length === 0) return events;
          events.push(...body.data);
          after = body.next_cursor;
        }
        assert.fail('the feed never ended');
      }
      const all = await everything(EVENT_FEED_SCOPES);
      const caused = new Set(all.map((event) => event.type));
      for (const type of ['quote.accepted', 'onboarding.submitted', 'account.updated'] as const)
        assert.ok(caused.has(type), `the suite caused ${type}`);
      for (const scope of EVENT_FEED_SCOPES) {
        const readable = readableEventTypes([scope]);
        const seen = await everything([scope]);
        for (const event of seen)
          assert.ok(readable.includes(event.type), `${scope} must not read ${event.type}`);
        assert.deepEqual(
          seen.map((event) => event.id),
          all.filter((event) => readable.includes(event.type)).map((event) => event.id),
          `${scope} reads every ${readable.join(', ')} event`,
        );
      }
    });

    it('refuses a cursor that is not a whole number with 400 validation_failed', async () => {
      expectError(await call('GET', '/v1/events?after=yesterday'), 'validation_failed');
      expectError(await call('GET', '/v1/events?after=-1'), 'validation_failed');
    });

    it('refuses the feed without a token with 401 token_missing', async () => {
      expectError(await call('GET', '/v1/events?after=0', { auth: null }), 'token_missing');
    });
  });
}

/** Well-formed tax ids for the countries whose format is checked, so a complete step is valid. */
const TAX_IDS: Record<string, string> = {
  US: '12-3456789',
  GB: 'GB123456789',
  DE: 'DE123456789',
  FR: 'FR12345678901',
  ES: 'ESB12345678',
  AT: 'ATU12345678',
  BE: 'BE0123456789',
  NL: 'NL123456789B01',
  IT: 'IT12345678901',
  PT: 'PT123456789',
  IE: 'IE1234567WA',
  DK: 'DK12345678',
  FI: 'FI12345678',
  SE: 'SE123456789001',
  PL: 'PL1234567890',
  CA: '123456789RT0001',
};
