import * as z from 'zod/mini';
import { Account, AccountUpdate } from './account.ts';
import { AccountId } from './common.ts';
import { ERROR_CODE_TABLE, type ErrorCode } from './errors.ts';
import { EVENT_FEED_SCOPES, EVENT_READ_SCOPES, EventPage } from './events.ts';
import { OnboardingApplication, OnboardingId, OnboardingPatch } from './onboarding.ts';
import { Quote, QuoteAccept, QuoteDecline, QuoteId } from './quote.ts';
import { CountryList, CurrencyList } from './reference.ts';
import type { PartnerScope, Scope } from './scopes.ts';
import {
  WebhookDeliveriesQuery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointId,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookReplay,
  WebhookReplayQueued,
  WebhookTestSent,
} from './webhooks.ts';

/**
 * The core API's routes, once: the router serves them, docs/api/openapi.json is generated from
 * them and the tests read them. Paths are written as Hono writes them (`/v1/quotes/:id`);
 * `openApiPath` gives the OpenAPI form (`/v1/quotes/{id}`).
 *
 * Plain data and functions only, so a bundle that imports another part of the contracts does not
 * carry this table.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `GET /healthz`'s answer. */
export const Health = z.object({ status: z.literal('ok') });
export type Health = z.infer<typeof Health>;

/** `GET /readyz`'s answer, `200` or `503`: each dependency (database, token service keys) and its state. */
export const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.enum(['ok', 'unavailable'])),
});
export type Readiness = z.infer<typeof Readiness>;

const eventsAfter = z.optional(
  z.string().check(z.regex(/^\d{1,15}$/, 'must be a cursor from this feed (a whole number)')),
);
const eventsLimit = z.optional(z.string().check(z.regex(/^(?:[1-9]\d?|100)$/, 'must be 1–100')));
/** `GET /v1/events`' query: strings as they arrive, checked before they are turned into numbers. */
export const EventsQuery = z.strictObject({ after: eventsAfter, limit: eventsLimit });
export type EventsQuery = z.infer<typeof EventsQuery>;

export interface RouteParam {
  readonly schema: z.ZodMiniType;
  readonly description: string;
}

export interface RouteResponse {
  readonly status: 200 | 201 | 503;
  readonly description: string;
  /** What the body is checked against before it is sent. */
  readonly schema: z.ZodMiniType;
  /** `application/json` unless said otherwise. */
  readonly mediaType?: string;
  /** The answer carries the resource `version` as `ETag`. */
  readonly etag: boolean;
  readonly cacheControl?: string;
}

/**
 * A widget token (a customer's, minted for a page) with every scope of `scopes` (none: any valid
 * token) and, when `anyScope` is given, at least one of those.
 */
export interface WidgetRouteAuth {
  readonly kind: 'widget';
  readonly scopes: readonly Scope[];
  /** At least one of these: a route whose answer each of them reads a part of. */
  readonly anyScope?: readonly Scope[];
  /** Only when the token's account is linked to its partner; otherwise everything is `404`. */
  readonly linkedAccount: boolean;
}

/**
 * A partner token (`POST /oauth/token`, client credentials) with every scope of `scopes`: the
 * partner's backend, acting for every account linked to the partner.
 */
export interface PartnerRouteAuth {
  readonly kind: 'partner';
  readonly scopes: readonly PartnerScope[];
}

/** Who may call: no token at all, a widget token, or a partner token. */
export type RouteAuth = false | WidgetRouteAuth | PartnerRouteAuth;

export interface CoreApiRoute {
  /** Unique; the OpenAPI `operationId`. */
  readonly id: string;
  readonly method: HttpMethod;
  /** Hono form: `/v1/quotes/:id`. */
  readonly path: string;
  readonly tag: string;
  readonly summary: string;
  readonly description: string;
  readonly auth: RouteAuth;
  readonly params?: Readonly<Record<string, RouteParam>>;
  /** Query parameters, each an optional string as it arrives. */
  readonly query?: Readonly<Record<string, RouteParam>>;
  /** `json`: a JSON body checked against `schema`; `empty`: no body, or `{}`. */
  readonly body?:
    { readonly kind: 'json'; readonly schema: z.ZodMiniType } | { readonly kind: 'empty' };
  /** A mutation run once per `Idempotency-Key` (required). */
  readonly idempotent: boolean;
  readonly ifMatch?: 'required' | 'optional';
  readonly responses: readonly RouteResponse[];
  /** The codes this route answers beyond those every route of its kind can (`routeErrorCodes`). */
  readonly errors: readonly ErrorCode[];
}

const quoteId: RouteParam = {
  schema: QuoteId,
  description: 'A quote id. An id that is malformed, unknown or not yours answers `404`.',
};
const onboardingId: RouteParam = {
  schema: OnboardingId,
  description:
    'An onboarding application id. An id that is malformed, unknown or not yours answers `404`.',
};
const accountId: RouteParam = {
  schema: AccountId,
  description:
    "An account id: the token's `sub`. Any other id, or an account not linked to the token's partner, answers `404`.",
};
const webhookEndpointId: RouteParam = {
  schema: WebhookEndpointId,
  description:
    "A webhook endpoint id (`we_…`). An id that is malformed, unknown or another partner's answers `404`.",
};
/** `GET /v1/partner/webhook-endpoints`' answer. */
export const WebhookEndpointList = z.object({ data: z.array(WebhookEndpoint) });
export type WebhookEndpointList = z.infer<typeof WebhookEndpointList>;
const REFERENCE_CACHE = 'private, max-age=3600';
const ANY_TOKEN: RouteAuth = { kind: 'widget', scopes: [], linkedAccount: false };
const own = (scope: Scope): RouteAuth => ({ kind: 'widget', scopes: [scope], linkedAccount: true });
/** A partner-API route: a partner token holding `scope`. */
export const partnerAuth = (scope: PartnerScope): PartnerRouteAuth => ({
  kind: 'partner',
  scopes: [scope],
});
/** An answer that is the resource at its version, sent with its `ETag`. */
const resource = (
  description: string,
  schema: z.ZodMiniType,
  status: 200 | 201 = 200,
): RouteResponse => ({ status, description, schema, etag: true });
/** A `PATCH`: a JSON body, run once per `Idempotency-Key`, only against the version read. */
const patch = (schema: z.ZodMiniType) =>
  ({ body: { kind: 'json', schema }, idempotent: true, ifMatch: 'required' }) as const;

/** `quote.accepted` and `quote.declined` need `quote:read`, …: the feed's rule in words. */
function eventScopesLine(): string {
  const byScope = new Map<Scope, string[]>();
  for (const [type, scope] of Object.entries(EVENT_READ_SCOPES))
    byScope.set(scope, [...(byScope.get(scope) ?? []), `\`${type}\``]);
  return [...byScope]
    .map(
      ([scope, types]) => `${types.join(' and ')} need${types.length > 1 ? '' : 's'} \`${scope}\``,
    )
    .join('; ');
}

/** Accepting and declining differ only in the verb, the body and the event written. */
function quoteDecision<Verb extends 'accept' | 'decline'>(
  verb: Verb,
  done: string,
  body: z.ZodMiniType,
) {
  const Verb = verb[0]!.toUpperCase() + verb.slice(1);
  return {
    id: `${verb}Quote` as const,
    method: 'POST',
    path: `/v1/quotes/:id/${verb}` as const,
    tag: 'quotes',
    summary: `${Verb} a quote`,
    description: `${Verb}s an open quote and writes a \`quote.${done}\` event. An expired quote is \`409 quote_expired\`; an accepted or declined one \`409 quote_not_open\`.`,
    auth: own('quote:accept'),
    params: { id: quoteId },
    body: { kind: 'json', schema: body },
    idempotent: true,
    ifMatch: 'optional',
    responses: [{ status: 200, description: `The ${done} quote.`, schema: Quote, etag: true }],
    errors: ['not_found', 'version_conflict', 'quote_expired', 'quote_not_open'],
  } as const satisfies CoreApiRoute;
}

export const CORE_API_ROUTES = {
  getQuote: {
    id: 'getQuote',
    method: 'GET',
    path: '/v1/quotes/:id',
    tag: 'quotes',
    summary: 'Read a quote',
    description:
      'An open quote past `valid_until` reads as `expired`. Another account’s quote is `404`, never `403`.',
    auth: own('quote:read'),
    params: { id: quoteId },
    idempotent: false,
    responses: [resource('The quote.', Quote)],
    errors: ['not_found'],
  },
  acceptQuote: quoteDecision('accept', 'accepted', QuoteAccept),
  declineQuote: quoteDecision('decline', 'declined', QuoteDecline),
  startOnboarding: {
    id: 'startOnboarding',
    method: 'POST',
    path: '/v1/onboarding',
    tag: 'onboarding',
    summary: "Start or resume the token subject's onboarding",
    description:
      'Answers the application in progress for the token’s account (`200`), or starts one (`201`). Onboarding happens once: an account a submitted application onboarded gets that application (`200`, read-only), never a fresh one; later changes need `account:write` and `If-Match` on `PATCH /v1/accounts/{id}`. Takes no body (or `{}`).',
    auth: own('onboarding:write'),
    body: { kind: 'empty' },
    idempotent: true,
    responses: [
      resource('The application in progress, resumed.', OnboardingApplication),
      resource('A new application.', OnboardingApplication, 201),
    ],
    errors: ['not_found'],
  },
  getOnboarding: {
    id: 'getOnboarding',
    method: 'GET',
    path: '/v1/onboarding/:id',
    tag: 'onboarding',
    summary: 'Read an onboarding application',
    description: 'Includes the draft values saved so far and which steps are complete.',
    auth: own('onboarding:read'),
    params: { id: onboardingId },
    idempotent: false,
    responses: [resource('The application.', OnboardingApplication)],
    errors: ['not_found'],
  },
  saveOnboardingStep: {
    id: 'saveOnboardingStep',
    method: 'PATCH',
    path: '/v1/onboarding/:id',
    tag: 'onboarding',
    summary: 'Save a step as a draft',
    description:
      "Saves any subset of one step's fields, merged into what was saved; only the fields sent are validated. A submitted application is read-only (`409 onboarding_submitted`).",
    auth: own('onboarding:write'),
    params: { id: onboardingId },
    ...patch(OnboardingPatch),
    responses: [
      resource('The application with the step saved, at its new version.', OnboardingApplication),
    ],
    errors: ['not_found', 'precondition_required', 'version_conflict', 'onboarding_submitted'],
  },
  submitOnboarding: {
    id: 'submitOnboarding',
    method: 'POST',
    path: '/v1/onboarding/:id/submit',
    tag: 'onboarding',
    summary: 'Submit an onboarding application',
    description:
      'Validates every step, marks the application `submitted`, carries its values into the account and writes `onboarding.submitted` and `account.updated` events. Only the account’s first onboarding writes it: another application of an onboarded account is `409 onboarding_submitted`. The company’s tax id is checked against the billing country, as account updates check it. Missing or invalid steps: `422 onboarding_incomplete` with `details.fields`. Takes no body (or `{}`).',
    auth: own('onboarding:write'),
    params: { id: onboardingId },
    body: { kind: 'empty' },
    idempotent: true,
    ifMatch: 'optional',
    responses: [resource('The submitted application.', OnboardingApplication)],
    errors: ['not_found', 'version_conflict', 'onboarding_submitted', 'onboarding_incomplete'],
  },
  getAccount: {
    id: 'getAccount',
    method: 'GET',
    path: '/v1/accounts/:id',
    tag: 'accounts',
    summary: 'Read the account',
    description: "Only the token's own account, and only when it is linked to the token's partner.",
    auth: own('account:read'),
    params: { id: accountId },
    idempotent: false,
    responses: [resource('The account.', Account)],
    errors: ['not_found'],
  },
  updateAccount: {
    id: 'updateAccount',
    method: 'PATCH',
    path: '/v1/accounts/:id',
    tag: 'accounts',
    summary: 'Update the account',
    description:
      'Changes the fields sent; writes an `account.updated` event. Country, region, currency and tax id are checked against the reference data; the tax id against the billing address’s country.',
    auth: own('account:write'),
    params: { id: accountId },
    ...patch(AccountUpdate),
    responses: [resource('The account at its new version.', Account)],
    errors: ['not_found', 'precondition_required', 'version_conflict'],
  },
  listCountries: {
    id: 'listCountries',
    method: 'GET',
    path: '/v1/reference/countries',
    tag: 'reference',
    summary: 'List supported countries',
    description: 'Any valid token may read reference data.',
    auth: ANY_TOKEN,
    idempotent: false,
    responses: [
      {
        status: 200,
        description: 'Every country.',
        schema: CountryList,
        etag: false,
        cacheControl: REFERENCE_CACHE,
      },
    ],
    errors: [],
  },
  listCurrencies: {
    id: 'listCurrencies',
    method: 'GET',
    path: '/v1/reference/currencies',
    tag: 'reference',
    summary: 'List supported currencies',
    description: 'Any valid token may read reference data.',
    auth: ANY_TOKEN,
    idempotent: false,
    responses: [
      {
        status: 200,
        description: 'Every currency.',
        schema: CurrencyList,
        etag: false,
        cacheControl: REFERENCE_CACHE,
      },
    ],
    errors: [],
  },
  listEvents: {
    id: 'listEvents',
    method: 'GET',
    path: '/v1/events',
    tag: 'events',
    summary: 'Read the event feed',
    description: `The partner's domain events, oldest first, cursor-paginated; a widget token reads those of its own account, and only the types whose resource its scopes can read: ${eventScopesLine()}. A token with none of these scopes is \`403 insufficient_scope\`.`,
    auth: { kind: 'widget', scopes: [], anyScope: EVENT_FEED_SCOPES, linkedAccount: false },
    query: {
      after: {
        schema: eventsAfter,
        description:
          'Answer the events after this cursor, a whole number (0, the default, is the beginning).',
      },
      limit: {
        schema: eventsLimit,
        description: 'Events per page, 1–100 (default 50).',
      },
    },
    idempotent: false,
    responses: [{ status: 200, description: 'A page of events.', schema: EventPage, etag: false }],
    errors: [],
  },
  // Webhook endpoints (partner API, `partner:webhooks`).
  createWebhookEndpoint: {
    id: 'createWebhookEndpoint',
    method: 'POST',
    path: '/v1/partner/webhook-endpoints',
    tag: 'webhooks',
    summary: 'Register a webhook endpoint',
    description:
      'A URL of yours and the event types it receives. The answer carries the signing secret (`whsec_…`): the only time it is shown, apart from a replay of this request under the same `Idempotency-Key`, which answers the same body. A live-mode partner’s URL must be `https` on a public address; a test-mode partner may also use `http` and loopback.',
    auth: partnerAuth('partner:webhooks'),
    body: { kind: 'json', schema: WebhookEndpointCreate },
    idempotent: true,
    responses: [
      resource(
        'The endpoint, with its signing secret (shown once).',
        WebhookEndpointWithSecret,
        201,
      ),
    ],
    errors: [],
  },
  listWebhookEndpoints: {
    id: 'listWebhookEndpoints',
    method: 'GET',
    path: '/v1/partner/webhook-endpoints',
    tag: 'webhooks',
    summary: 'List webhook endpoints',
    description: "The partner's endpoints, oldest first, without their secrets.",
    auth: partnerAuth('partner:webhooks'),
    idempotent: false,
    responses: [
      {
        status: 200,
        description: 'Every endpoint of the partner.',
        schema: WebhookEndpointList,
        etag: false,
      },
    ],
    errors: [],
  },
  getWebhookEndpoint: {
    id: 'getWebhookEndpoint',
    method: 'GET',
    path: '/v1/partner/webhook-endpoints/:id',
    tag: 'webhooks',
    summary: 'Read a webhook endpoint',
    description: 'Its status, `failing_since`, and its version as `ETag`; never its secret.',
    auth: partnerAuth('partner:webhooks'),
    params: { id: webhookEndpointId },
    idempotent: false,
    responses: [resource('The endpoint.', WebhookEndpoint)],
    errors: ['not_found'],
  },
  updateWebhookEndpoint: {
    id: 'updateWebhookEndpoint',
    method: 'PATCH',
    path: '/v1/partner/webhook-endpoints/:id',
    tag: 'webhooks',
    summary: 'Update, pause or resume a webhook endpoint',
    description:
      'Changes the fields sent: `url`, `event_types`, `description`, `status` (`paused` holds deliveries and keeps queueing; `enabled` sends what was held, and re-enables an endpoint a `410 Gone` disabled).',
    auth: partnerAuth('partner:webhooks'),
    params: { id: webhookEndpointId },
    ...patch(WebhookEndpointUpdate),
    responses: [resource('The endpoint at its new version.', WebhookEndpoint)],
    errors: ['not_found', 'precondition_required', 'version_conflict'],
  },
  deleteWebhookEndpoint: {
    id: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: '/v1/partner/webhook-endpoints/:id',
    tag: 'webhooks',
    summary: 'Delete a webhook endpoint',
    description:
      'Removes the endpoint with its queue and delivery history. A retry under the same `Idempotency-Key` answers the same; a new request for a deleted endpoint is `404`.',
    auth: partnerAuth('partner:webhooks'),
    params: { id: webhookEndpointId },
    idempotent: true,
    ifMatch: 'optional',
    responses: [resource('The endpoint as it was before it was deleted.', WebhookEndpoint)],
    errors: ['not_found', 'version_conflict'],
  },
  rotateWebhookSecret: {
    id: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/partner/webhook-endpoints/:id/rotate-secret',
    tag: 'webhooks',
    summary: "Rotate a webhook endpoint's signing secret",
    description:
      'Answers a new secret, once. The previous one keeps signing beside it until `previous_secret_expires_at` (24 hours): two `v1,` signatures in one `webhook-signature` header. Rotating again within that time retires the older secret at once. Takes no body (or `{}`).',
    auth: partnerAuth('partner:webhooks'),
    params: { id: webhookEndpointId },
    body: { kind: 'empty' },
    idempotent: true,
    responses: [
      resource('The endpoint with its new secret (shown once).', WebhookEndpointWithSecret),
    ],
    errors: ['not_found'],
  },
  testWebhookEndpoint: {
    id: 'testWebhookEndpoint',
    method: 'POST',
    path: '/v1/partner/webhook-endpoints/:id/test',
    tag: 'webhooks',
    summary: 'Send a test event',
    description:
      'Queues a `webhook.test` event for this endpoint alone (it is not in the event feed) and answers its id, the `webhook-id` the delivery carries. Takes no body (or `{}`).',
    auth: partnerAuth('partner:webhooks'),
    params: { id: webhookEndpointId },
    body: { kind: 'empty' },
    idempotent: true,
    responses: [
      { status: 200, description: 'The test event, queued.', schema: WebhookTestSent, etag: false },
    ],
    errors: ['not_found'],
  },
  replayWebhookEvents: {
    id: 'replayWebhookEvents',
    method: 'POST',
    path: '/v1/partner/webhook-endpoints/:id/replay',
    tag: 'webhooks',
    summary: 'Replay events to a webhook endpoint',
    description:
      'Sends again, under the same `webhook-id`s, every event of the endpoint’s types after `after`: an event id, or a feed cursor (`"0"`: from the beginning). Delivered, given-up and pending events alike; their attempts start over. An unknown event id is `404`.',
    auth: partnerAuth('partner:webhooks'),
    params: { id: webhookEndpointId },
    body: { kind: 'json', schema: WebhookReplay },
    idempotent: true,
    responses: [
      {
        status: 200,
        description: 'How many events were queued again.',
        schema: WebhookReplayQueued,
        etag: false,
      },
    ],
    errors: ['not_found'],
  },
  listWebhookDeliveries: {
    id: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/partner/webhook-endpoints/:id/deliveries',
    tag: 'webhooks',
    summary: "List a webhook endpoint's delivery attempts",
    description:
      'Every attempt, newest first: event id and type, attempt number, the receiver’s status code, latency, error, and when the next attempt is due.',
    auth: partnerAuth('partner:webhooks'),
    params: { id: webhookEndpointId },
    query: {
      after: {
        schema: WebhookDeliveriesQuery.shape.after,
        description: "A page's `next_cursor`: answer the attempts older than it.",
      },
      limit: {
        schema: WebhookDeliveriesQuery.shape.limit,
        description: 'Attempts per page, 1–100 (default 50).',
      },
    },
    idempotent: false,
    responses: [
      {
        status: 200,
        description: 'A page of attempts.',
        schema: WebhookDeliveryPage,
        etag: false,
      },
    ],
    errors: ['not_found'],
  },
  health: {
    id: 'health',
    method: 'GET',
    path: '/healthz',
    tag: 'operations',
    summary: 'Liveness',
    description: 'Answers while the process runs. No token.',
    auth: false,
    idempotent: false,
    responses: [{ status: 200, description: 'Alive.', schema: Health, etag: false }],
    errors: [],
  },
  ready: {
    id: 'ready',
    method: 'GET',
    path: '/readyz',
    tag: 'operations',
    summary: 'Readiness',
    description:
      'Whether the database answers and the token service keys are known; `503` with the same body when not. No token.',
    auth: false,
    idempotent: false,
    responses: [
      { status: 200, description: 'Ready.', schema: Readiness, etag: false },
      { status: 503, description: 'Not ready.', schema: Readiness, etag: false },
    ],
    errors: [],
  },
  metrics: {
    id: 'metrics',
    method: 'GET',
    path: '/metrics',
    tag: 'operations',
    summary: 'Metrics',
    description:
      'Request counts and latencies by route and status, in the Prometheus text format. Keep it off the public network.',
    auth: false,
    idempotent: false,
    responses: [
      {
        status: 200,
        description: 'The metrics.',
        schema: z.string(),
        mediaType: 'text/plain',
        etag: false,
      },
    ],
    errors: [],
  },
} as const satisfies Record<string, CoreApiRoute>;

export type CoreApiRouteId = keyof typeof CORE_API_ROUTES;

/** Every route, in table order. */
export function coreApiRoutes(): readonly CoreApiRoute[] {
  return Object.values(CORE_API_ROUTES);
}

/** `/v1/quotes/:id` → `/v1/quotes/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** `/v1/quotes/{id}` → `/v1/quotes/:id`. */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
}

/** The route's path with its parameters filled in (URL-encoded). */
export function routeUrl(
  route: CoreApiRoute,
  params: Readonly<Record<string, string>> = {},
): string {
  return route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.id}: no value for :${name}`);
    return encodeURIComponent(value);
  });
}

const codesWithStatus = (status: number): ErrorCode[] =>
  (Object.keys(ERROR_CODE_TABLE) as ErrorCode[]).filter(
    (code) => ERROR_CODE_TABLE[code].status === status,
  );

/**
 * Every refusal of the verifier: the RFC 6750 `invalid_token` family, DPoP, origin. A partner
 * token is never DPoP-bound and carries no origin: of those, only the wrong scheme applies.
 */
function tokenCodes(kind: 'widget' | 'partner'): ErrorCode[] {
  const verifier = codesWithStatus(401).filter(
    (code) => code.startsWith('token_') || code.startsWith('dpop_'),
  );
  if (kind === 'partner')
    return [
      ...verifier.filter((code) => !code.startsWith('dpop_') || code === 'dpop_key_mismatch'),
      'keys_unavailable',
    ];
  return [...verifier, 'origin_mismatch', 'keys_unavailable'];
}

/**
 * Every catalogue code a route can answer, in catalogue order: its own, and those every route
 * of its kind can (a token's refusals, bad headers, the sandbox switch, limits, our failures;
 * a mutation's idempotency codes; a JSON body's framing codes).
 */
export function routeErrorCodes(route: CoreApiRoute): ErrorCode[] {
  if (route.auth === false) return [...route.errors];
  const codes = new Set<ErrorCode>([
    ...tokenCodes(route.auth.kind),
    'validation_failed',
    'simulation_not_allowed',
    'rate_limited',
    'internal_error',
    'service_unavailable',
    ...route.errors,
  ]);
  if (
    route.auth.scopes.length > 0 ||
    (route.auth.kind === 'widget' && (route.auth.anyScope?.length ?? 0) > 0)
  )
    codes.add('insufficient_scope');
  if (route.idempotent) {
    codes.add('idempotency_key_required');
    codes.add('idempotency_key_reused');
  }
  if (route.body?.kind === 'json')
    for (const code of [
      'invalid_json',
      'validation_failed',
      'body_too_large',
      'unsupported_media_type',
    ] as const)
      codes.add(code);
  if (route.body?.kind === 'empty') codes.add('validation_failed');
  return (Object.keys(ERROR_CODE_TABLE) as ErrorCode[]).filter((code) => codes.has(code));
}

/** `routeErrorCodes` grouped by the status the catalogue gives each, statuses ascending. */
export function routeErrorsByStatus(route: CoreApiRoute): [status: number, codes: ErrorCode[]][] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrorCodes(route)) {
    const status = ERROR_CODE_TABLE[code].status ?? 500;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus].sort(([a], [b]) => a - b);
}

/**
 * The table's routes a router does not serve, given what it serves as `{ method, path }` (Hono's
 * `app.routes`). Empty when every route is wired.
 */
export function unservedRoutes(
  served: readonly { readonly method: string; readonly path: string }[],
): CoreApiRoute[] {
  const have = new Set(served.map(({ method, path }) => `${method.toUpperCase()} ${path}`));
  return coreApiRoutes().filter((route) => !have.has(`${route.method} ${route.path}`));
}
