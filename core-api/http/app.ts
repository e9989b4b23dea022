import { createHash } from 'node:crypto';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod/mini';
import {
  Account,
  AccountUpdate,
  CountryList,
  CurrencyList,
  EventPage,
  OnboardingApplication,
  OnboardingPatch,
  Quote,
  QuoteAccept,
  QuoteDecline,
  TesseraError,
  type RateLimit,
  type Scope,
} from '../../contracts/index.ts';
import { COUNTRIES, CURRENCIES } from '../reference-data.ts';
import {
  applyRateLimit,
  instrument,
  type CommonVariables,
  type HttpMetrics,
} from '../../token-service/http/common.ts';
import { pathId, readBody, readJson } from '../../token-service/http/errors.ts';
import type { Logger } from '../../token-service/log.ts';
import type { PartnerRateLimiter } from '../../token-service/rate-limit.ts';
import {
  requireToken,
  type TokenVariables,
  type Verifier,
} from '../../verify/index.ts';
import { ownAccount, updateAccount } from '../domain/accounts.ts';
import { actor, type Actor } from '../domain/actor.ts';
import {
  ownApplication,
  saveDraft,
  startOnboarding,
  submitOnboarding,
} from '../domain/onboarding.ts';
import { acceptQuote, declineQuote, ownQuote, presentQuote } from '../domain/quotes.ts';
import type { CoreRepo, CoreStore } from '../store/types.ts';
import { cors } from './cors.ts';
import { simulate } from './simulate.ts';

z.config(z.locales.en());

export interface CoreAppDeps {
  store: CoreStore;
  verifier: Verifier;
  limiter: PartnerRateLimiter;
  /** Per partner and end customer: one customer's widget cannot starve the partner's others. */
  subjectRateLimit: RateLimit;
  metrics: HttpMetrics;
  log: Logger;
  now?: () => Date;
  /** How long `Tessera-Simulate: slow` waits. */
  slowMs?: number;
}

type Env = { Variables: CommonVariables & TokenVariables & { linked?: boolean } };

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,255}$/;
const SESSION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `ETag` for a version: strong, quoted. `If-Match` accepts it, its weak form, or `*`. */
const etag = (version: number) => `"${version}"`;
function ifMatch(c: Context, required: boolean): number | undefined {
  const header = c.req.header('if-match');
  if (!header || header.trim() === '*') {
    if (required)
      throw new TesseraError(
        'precondition_required',
        "Send the ETag you read as `If-Match`; updates without it could overwrite someone else's.",
      );
    return undefined;
  }
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match)
    throw new TesseraError(
      'validation_failed',
      '`If-Match` must be an ETag this API gave out, such as "3".',
      {
        fields: [{ path: 'If-Match', code: 'invalid_format', message: 'not an ETag of this API' }],
      },
    );
  return Number(match[1]);
}

const id = (c: Context): string =>
  pathId(c, () => new TesseraError('not_found', 'Nothing here for this token.'));

/** Validates an answer against its contracts schema: a bug here must not reach a widget as data. */
function send<S extends z.ZodMiniType>(
  c: Context,
  schema: S,
  body: z.infer<S>,
  status: ContentfulStatusCode = 200,
): Response {
  const checked = schema.safeParse(body);
  if (!checked.success)
    throw new Error(
      `response does not match its contract: ${JSON.stringify(checked.error.issues).slice(0, 500)}`,
    );
  const version = (checked.data as { version?: unknown }).version;
  if (typeof version === 'number') c.header('ETag', etag(version));
  return c.json(checked.data as object, status);
}

export function createCoreApp(deps: CoreAppDeps): Hono<Env> {
  const app = new Hono<Env>();
  const now = deps.now ?? (() => new Date());
  instrument(app, deps.log, deps.metrics);
  app.use('/v1/*', cors());

  const actorOf = (c: Context<Env>): Actor => {
    const session = c.req.header('x-tessera-session');
    const { claims } = c.get('token');
    return actor({
      partnerId: claims.client_id,
      accountId: claims.sub,
      requestId: c.get('requestId'),
      sessionId: session && SESSION_ID.test(session) ? session : null,
      now: now(),
    });
  };

  /** A token reaches resources only when its partner may act for its account; else nothing exists. */
  const linked: MiddlewareHandler<Env> = async (c, next) => {
    const { claims } = c.get('token');
    if (!(await deps.store.isLinked(claims.sub, claims.client_id)))
      throw new TesseraError('not_found', 'Nothing here for this token.');
    await next();
  };
  const gate: MiddlewareHandler<Env> = async (c, next) => {
    const { claims } = c.get('token');
    c.set('partnerId', claims.client_id);
    const session = c.req.header('x-tessera-session');
    c.set('logFields', {
      sub: claims.sub,
      session_id: session && SESSION_ID.test(session) ? session : undefined,
    });
    await simulate(c, claims, deps.slowMs ?? 3000);
    const rate = await deps.limiter.consume(
      `${claims.client_id}:${claims.sub}`,
      deps.subjectRateLimit,
    );
    applyRateLimit(c, rate, `Rate limit of ${deps.subjectRateLimit.per_second}/s per customer`);
    await next();
  };
  /** The token with its scopes, the sandbox switch, the per-customer rate limit, and (for resources) the link. */
  const guard = (scopes: Scope[], resource = true): MiddlewareHandler<Env> =>
    every(
      requireToken(deps.verifier, ...scopes),
      gate,
      ...(resource ? [linked] : []),
    ) as MiddlewareHandler<Env>;

  /**
   * Runs a mutation once per `Idempotency-Key`: the change, its event and the stored answer commit
   * together, so a retry replays the answer and a concurrent twin waits on the row lock, then
   * replays. Only successes are stored: a refused request changed nothing and may simply be sent again.
   */
  async function mutate(
    c: Context<Env>,
    run: (
      repo: CoreRepo,
      a: Actor,
    ) => Promise<{
      status: ContentfulStatusCode;
      schema: z.ZodMiniType;
      body: { version: number };
    }>,
  ): Promise<Response> {
    const key = c.req.header('idempotency-key');
    if (!key) throw new TesseraError('idempotency_key_required');
    if (!IDEMPOTENCY_KEY.test(key))
      throw new TesseraError(
        'validation_failed',
        '`Idempotency-Key` must be 1–255 characters of A–Z, a–z, 0–9, . _ : -',
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
    const who = actorOf(c);
    // Scoped to partner AND customer: another customer's key never replays this customer's answer.
    const scope = { partner_id: who.partnerId, key: `${who.accountId}:${key}` };
    const fingerprint = createHash('sha256')
      .update(`${c.req.method} ${c.req.path}\n${await c.req.text()}`)
      .digest('hex');
    const replay = async (): Promise<Response | null> => {
      const stored = await deps.store.getIdempotency(scope.partner_id, scope.key);
      if (!stored) return null;
      if (stored.fingerprint !== fingerprint)
        throw new TesseraError(
          'idempotency_key_reused',
          'This Idempotency-Key was used for a different request; use a new key for a new action.',
        );
      // Stored as the JSON text first sent, so a replay is byte for byte the same answer.
      return c.body(String(stored.body), stored.status as ContentfulStatusCode, {
        ...stored.headers,
        'Content-Type': 'application/json',
        'Idempotent-Replayed': 'true',
      });
    };
    const earlier = await replay();
    if (earlier) return earlier;
    try {
      const result = await deps.store.transaction(async (repo) => {
        const outcome = await run(repo, who);
        const checked = outcome.schema.safeParse(outcome.body);
        if (!checked.success) throw new Error('response does not match its contract');
        const text = JSON.stringify(checked.data);
        const inserted = await repo.putIdempotency({
          ...scope,
          fingerprint,
          status: outcome.status,
          body: text,
          headers: { ETag: etag(outcome.body.version) },
          created_at: who.now.toISOString(),
        });
        if (!inserted)
          throw new TesseraError(
            'idempotency_key_reused',
            'A concurrent request with this key won.',
          );
        return { ...outcome, text };
      });
      c.header('ETag', etag(result.body.version));
      return c.body(result.text, result.status, { 'Content-Type': 'application/json' });
    } catch (error) {
      // A twin with the same key may have committed while this one waited: answer as it did.
      if (error instanceof TesseraError) {
        const twin = await replay();
        if (twin) return twin;
      }
      throw error;
    }
  }

  // --- quotes ----------------------------------------------------------------------------------
  app.get('/v1/quotes/:id', guard(['quote:read']), async (c) => {
    const who = actorOf(c);
    return send(c, Quote, presentQuote(await ownQuote(deps.store, who, id(c)), who.now));
  });
  app.post('/v1/quotes/:id/accept', guard(['quote:accept']), async (c) => {
    const body = await readJson(c, QuoteAccept);
    const version = ifMatch(c, false);
    return mutate(c, async (repo, who) => ({
      status: 200,
      schema: Quote,
      body: await acceptQuote(repo, who, id(c), body, version),
    }));
  });
  app.post('/v1/quotes/:id/decline', guard(['quote:accept']), async (c) => {
    const body = await readJson(c, QuoteDecline);
    const version = ifMatch(c, false);
    return mutate(c, async (repo, who) => ({
      status: 200,
      schema: Quote,
      body: await declineQuote(repo, who, id(c), body, version),
    }));
  });

  // --- onboarding ------------------------------------------------------------------------------
  app.post('/v1/onboarding', guard(['onboarding:write']), async (c) => {
    await readOptionalEmptyBody(c);
    return mutate(c, async (repo, who) => {
      const { application, created } = await startOnboarding(repo, who);
      return { status: created ? 201 : 200, schema: OnboardingApplication, body: application };
    });
  });
  app.get('/v1/onboarding/:id', guard(['onboarding:read']), async (c) =>
    send(c, OnboardingApplication, await ownApplication(deps.store, actorOf(c), id(c))),
  );
  app.patch('/v1/onboarding/:id', guard(['onboarding:write']), async (c) => {
    const version = ifMatch(c, true)!;
    const body = await readJson(c, OnboardingPatch);
    return mutate(c, async (repo, who) => ({
      status: 200,
      schema: OnboardingApplication,
      body: await saveDraft(repo, who, id(c), body, version),
    }));
  });
  app.post('/v1/onboarding/:id/submit', guard(['onboarding:write']), async (c) => {
    await readOptionalEmptyBody(c);
    const version = ifMatch(c, false);
    return mutate(c, async (repo, who) => ({
      status: 200,
      schema: OnboardingApplication,
      body: await submitOnboarding(repo, who, id(c), version),
    }));
  });

  // --- accounts --------------------------------------------------------------------------------
  app.get('/v1/accounts/:id', guard(['account:read']), async (c) =>
    send(c, Account, await ownAccount(deps.store, actorOf(c), id(c))),
  );
  app.patch('/v1/accounts/:id', guard(['account:write']), async (c) => {
    const version = ifMatch(c, true)!;
    const body = await readJson(c, AccountUpdate);
    return mutate(c, async (repo, who) => ({
      status: 200,
      schema: Account,
      body: await updateAccount(repo, who, id(c), body, version),
    }));
  });

  // --- reference data and events -------------------------------------------------------------------
  app.get('/v1/reference/countries', guard([], false), (c) => {
    c.header('Cache-Control', 'private, max-age=3600');
    return send(c, CountryList, { data: [...COUNTRIES] });
  });
  app.get('/v1/reference/currencies', guard([], false), (c) => {
    c.header('Cache-Control', 'private, max-age=3600');
    return send(c, CurrencyList, { data: [...CURRENCIES] });
  });
  app.get('/v1/events', guard([], false), async (c) => {
    const query = EventsQuery.safeParse(c.req.query());
    if (!query.success)
      throw new TesseraError('validation_failed', 'Invalid query parameters.', {
        fields: query.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          code: issue.code,
          message: issue.message,
        })),
      });
    const after = Number(query.data.after ?? 0);
    const limit = Number(query.data.limit ?? 50);
    const who = actorOf(c);
    const events = await deps.store.listEvents(who.partnerId, after, limit + 1, who.accountId);
    const page = events.slice(0, limit);
    return send(c, EventPage, {
      data: page,
      next_cursor: page.at(-1)?.cursor ?? after,
      has_more: events.length > limit,
    });
  });

  // --- operations ------------------------------------------------------------------------------
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = {};
    try {
      await deps.store.ping();
      checks.database = 'ok';
    } catch {
      checks.database = 'unavailable';
    }
    checks.token_service_keys = (await deps.verifier.warmUp()) ? 'ok' : 'unavailable';
    const ready = Object.values(checks).every((value) => value === 'ok');
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return app;
}

const EventsQuery = z.strictObject({
  after: z.optional(
    z.string().check(z.regex(/^\d{1,15}$/, 'must be a cursor from this feed (a whole number)')),
  ),
  limit: z.optional(z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, 'must be 1–100'))),
});

/** Start and submit take no body; one that is sent must be empty JSON, not something ignored. */
async function readOptionalEmptyBody(c: Context): Promise<void> {
  const text = new TextDecoder().decode(await readBody(c));
  if (text.trim() === '' || /^\s*\{\s*\}\s*$/.test(text)) return;
  throw new TesseraError('validation_failed', 'This endpoint takes no body (send none, or `{}`).', {
    fields: [{ path: '(body)', code: 'unexpected_body', message: 'no body expected' }],
  });
}
