/**
 * docs/api/openapi.json is generated from the contracts' route table, zod schemas and error
 * catalogue, so the API reference cannot drift from what the code validates: `npm run docs`
 * rewrites it, and test/docs/openapi.test.ts fails when it is out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import * as z from 'zod/mini';
import {
  Account,
  AccountUpdate,
  Address,
  CONTRACT_VERSION,
  Country,
  CountryList,
  Currency,
  CurrencyList,
  DomainEvent,
  EventPage,
  ERROR_CATALOGUE,
  ErrorEnvelope,
  HEADER_ID_MAX_LENGTH,
  HEADER_ID_PATTERN,
  Health,
  IDEMPOTENCY_KEY_PATTERN,
  LineItem,
  OnboardingApplication,
  OnboardingPatch,
  PARTNER_SCOPES,
  PARTNER_SCOPE_TEXT,
  Quote,
  QuoteAccept,
  QuoteDecline,
  Readiness,
  Region,
  SIMULATIONS,
  coreApiRoutes,
  openApiPath,
  routeErrorCodes,
  routeErrorsByStatus,
  type CoreApiRoute,
  type ErrorCode,
  type RouteParam,
  type RouteResponse,
} from '../contracts/index.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DIALECT = 'https://spec.openapis.org/oas/3.1/dialect/base';
const ref = (kind: string, name: string): JsonObject => ({ $ref: `#/components/${kind}/${name}` });
const schemaRef = (name: string) => ref('schemas', name);
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

/**
 * JSON Schema of one contracts schema, as the zod schema *accepts* it (`io: 'input'`): request
 * bodies declared strict stay `additionalProperties: false`; response objects, which clients
 * parse tolerantly (unknown fields are dropped), do not forbid fields a later v1 may add.
 */
function jsonSchema(schema: z.ZodMiniType): JsonObject {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonObject;
  delete out.$schema;
  return out;
}

/** The contracts schemas that are components, by name: the routes' schemas are `$ref`s to them. */
const NAMED: [string, z.ZodMiniType, string][] = [
  ['Account', Account, 'An end customer account, as `GET /v1/accounts/{id}` answers it.'],
  [
    'AccountUpdate',
    AccountUpdate,
    'The editable account fields, each optional; unknown fields are refused.',
  ],
  ['Address', Address, 'A postal address; `country` is ISO 3166-1 alpha-2.'],
  ['Quote', Quote, 'A quote with its line items; amounts are integers in minor units.'],
  ['LineItem', LineItem, 'One line of a quote.'],
  ['QuoteAccept', QuoteAccept, 'Who accepts the quote; `accept_terms` must be `true`.'],
  ['QuoteDecline', QuoteDecline, 'Why the quote is declined (optional).'],
  [
    'OnboardingApplication',
    OnboardingApplication,
    'An onboarding application: its steps, the values saved so far, its status.',
  ],
  [
    'OnboardingPatch',
    OnboardingPatch,
    "One step's values, saved as a draft (any subset of the step's fields, merged into what was saved).",
  ],
  ['Country', Country, 'A supported country, its regions and its default currency.'],
  ['Region', Region, 'An ISO 3166-2 subdivision.'],
  ['Currency', Currency, 'A supported currency and its minor-unit digits.'],
  ['CountryList', CountryList, 'Every supported country.'],
  ['CurrencyList', CurrencyList, 'Every supported currency.'],
  [
    'DomainEvent',
    DomainEvent,
    'A state change, as the partner learns of it; `request_id` and `session_id` are those of the API request that made the change.',
  ],
  [
    'EventPage',
    EventPage,
    'A page of the feed, oldest first: poll again with `after=next_cursor`.',
  ],
  [
    'ErrorEnvelope',
    ErrorEnvelope,
    'Every error: a catalogue `code` (docs/errors.md), a message for people, the request id, optional details and a link to the code.',
  ],
  ['Health', Health, 'Liveness: the process answers.'],
  [
    'Readiness',
    Readiness,
    'Readiness, and each dependency (database, token service keys) with its state.',
  ],
];

/** A route's schema: a `$ref` to its component, or inline when it is not one. */
function schemaOf(schema: z.ZodMiniType): JsonObject {
  const named = NAMED.find(([, candidate]) => candidate === schema);
  return named ? schemaRef(named[0]) : jsonSchema(schema);
}

/** The components that come from contracts/, with their shared parts as `$ref`s. */
function contractComponents(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of NAMED) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  const out: Record<string, JsonObject> = {};
  for (const [id, , description] of NAMED) {
    // The registry's own `$schema` and `$id` have no place inside an OpenAPI component.
    const rest = { ...schemas[id] };
    delete rest.$schema;
    delete rest.$id;
    out[id] = { description, ...rest };
  }
  return out;
}

/** A body that is no JSON document to validate: the server reads it as text. */
const EMPTY_BODY: JsonObject = {
  description: 'No body, or an empty JSON object.',
  type: 'object',
  maxProperties: 0,
};

const HEADERS: Record<string, JsonObject> = {
  ETag: {
    description:
      'The resource `version` as an entity tag (the reference answers `"3"`). Send it back unchanged as `If-Match`.',
    schema: { type: 'string', pattern: '^(W/)?"v?[0-9]+"$' },
  },
  'X-Request-Id': {
    description: `The request id: yours when you sent a safe one (1–${HEADER_ID_MAX_LENGTH} of \`A–Z a–z 0–9 . _ : -\`), else one made up. It is in every log line and every event the request causes.`,
    schema: { type: 'string' },
  },
  'RateLimit-Limit': {
    description: 'Requests allowed in the current window, per partner and end customer.',
    schema: { type: 'integer' },
  },
  'RateLimit-Remaining': {
    description: 'Requests left in the current window.',
    schema: { type: 'integer' },
  },
  'RateLimit-Reset': {
    description: 'Seconds until the window resets.',
    schema: { type: 'integer' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: { type: 'integer' },
  },
  'WWW-Authenticate': {
    description:
      'The RFC 6750 (or, for DPoP, RFC 9449) challenge naming the problem, e.g. `Bearer error="insufficient_scope", scope="quote:read"`.',
    schema: { type: 'string' },
  },
  'Cache-Control': {
    description: 'How long the answer may be reused: reference data changes with a release.',
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description:
      '`true` when this answer is the stored first answer to the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
  'Tessera-Event-Id': {
    description:
      'The id of the event this request wrote (`evt_…`; the first when it wrote several, e.g. `onboarding.submitted` before `account.updated`): the `id` in the event feeds and the `webhook-id` of its webhook. Absent when the request wrote no event. A replay answers the same id.',
    schema: { type: 'string', example: 'evt_3f1c9a7e5b2d4c8e9a1b3c5d7e9f1a2b' },
  },
};

const PARAMETERS: Record<string, JsonObject> = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: true,
    description:
      'One key per user action, the same key on every retry of it. The same key with the same body answers the first response again (kept at least 24 h); the same key with another body is refused with `422 idempotency_key_reused`. Without it: `400 idempotency_key_required`.',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
  },
  IfMatchRequired: {
    name: 'If-Match',
    in: 'header',
    required: true,
    description:
      'The `ETag` you read. Without it: `428 precondition_required`; when the resource has moved on: `412 version_conflict` with `details.current_version`. `*` does not count as a precondition.',
    schema: { type: 'string' },
  },
  IfMatchOptional: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'Optional: the `ETag` you read. When sent and the resource has moved on: `412 version_conflict` with `details.current_version`.',
    schema: { type: 'string' },
  },
  XRequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description: 'Your id for this request; echoed in `X-Request-Id` and every error envelope.',
    schema: { type: 'string', pattern: HEADER_ID_PATTERN.source },
  },
  XTesseraSession: {
    name: 'X-Tessera-Session',
    in: 'header',
    required: false,
    description:
      "The widget session id. Logged with the request and written into each event it causes, so one id follows a customer's action from mint to your backend.",
    schema: { type: 'string', pattern: HEADER_ID_PATTERN.source },
  },
  TesseraSimulate: {
    name: 'Tessera-Simulate',
    in: 'header',
    required: false,
    description:
      'Sandbox switch, **test-mode partners only** (a live-mode token gets `403 simulation_not_allowed`; an unknown value `400 validation_failed`). The API answers as that failure would, after verifying the token: `rate_limited` → `429 rate_limited` with `Retry-After`; `server_error` → `500 internal_error`; `slow` → the normal answer, a few seconds late; `token_expired` → `401 token_expired`; `conflict` → `412 version_conflict` with `details.current_version`.',
    schema: { type: 'string', enum: [...SIMULATIONS] },
  },
  DPoP: {
    name: 'DPoP',
    in: 'header',
    required: false,
    description:
      'RFC 9449 proof for this method and URL, signed with the key the token is bound to (`cnf.jkt`). Required with a DPoP-bound token, which is sent as `Authorization: DPoP <token>`.',
    schema: { type: 'string' },
  },
};

const SECURITY_SCHEMES: Record<string, JsonObject> = {
  BearerToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "A widget token: an RFC 9068 JWT access token (`typ: at+jwt`) minted by the token service (`POST /v1/tokens`) for one end customer (`sub`), one origin and a few scopes. Requests from a browser must come from the token's `origin`.",
  },
  PartnerToken: {
    type: 'oauth2',
    description:
      "A partner token for the partner's backend: OAuth 2.0 client credentials (RFC 6749 §4.4) at the token service's `POST /oauth/token`, `client_id` = the partner id, `client_secret` = a partner secret key; an RFC 9068 JWT (`sub` = `client_id` = the partner) sent as `Authorization: Bearer`. Never DPoP-bound, no origin. Widget routes refuse it, and partner routes refuse a widget token, with `401 token_kind_invalid`.",
    flows: {
      clientCredentials: {
        tokenUrl: 'http://127.0.0.1:4000/oauth/token',
        scopes: Object.fromEntries(
          PARTNER_SCOPES.map((scope) => [scope, PARTNER_SCOPE_TEXT[scope]]),
        ),
      },
    },
  },
  // OpenAPI allows `bearerFormat` on the `bearer` scheme only; the DPoP token is the same JWT.
  DPoPToken: {
    type: 'http',
    scheme: 'DPoP',
    description:
      'The same token bound to a key (`cnf.jkt`, RFC 9449): `Authorization: DPoP <token>` plus a `DPoP` proof header per request.',
  },
};

// --- one operation per route of the table ----------------------------------------------------------

function parameter(name: string, where: 'path' | 'query', param: RouteParam): JsonObject {
  return {
    name,
    in: where,
    required: where === 'path',
    description: param.description,
    schema: jsonSchema(param.schema),
  };
}

function successResponse(route: CoreApiRoute, success: RouteResponse): JsonObject {
  const headers: JsonObject = {};
  if (success.etag) headers.ETag = ref('headers', 'ETag');
  if (success.cacheControl) headers['Cache-Control'] = ref('headers', 'Cache-Control');
  if (route.auth !== false) {
    headers['X-Request-Id'] = ref('headers', 'X-Request-Id');
    for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])
      headers[name] = ref('headers', name);
    if (route.idempotent) {
      headers['Idempotent-Replayed'] = ref('headers', 'Idempotent-Replayed');
      headers['Tessera-Event-Id'] = ref('headers', 'Tessera-Event-Id');
    }
  }
  return {
    description: success.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: { [success.mediaType ?? 'application/json']: { schema: schemaOf(success.schema) } },
  };
}

function errorResponse(status: number, codes: ErrorCode[]): JsonObject {
  const headers: JsonObject = { 'X-Request-Id': ref('headers', 'X-Request-Id') };
  if (status === 401 || status === 403)
    headers['WWW-Authenticate'] = ref('headers', 'WWW-Authenticate');
  if (status === 429 || status === 503) headers['Retry-After'] = ref('headers', 'Retry-After');
  if (status === 429)
    for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])
      headers[name] = ref('headers', name);
  return {
    description: codes.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].meaning}`).join('\n\n'),
    headers,
    content: json(schemaRef('ErrorEnvelope')),
    'x-error-codes': codes,
  };
}

function operation(route: CoreApiRoute): JsonObject {
  const parameters: Json[] = [
    ...Object.entries(route.params ?? {}).map(([name, param]) => parameter(name, 'path', param)),
    ...Object.entries(route.query ?? {}).map(([name, param]) => parameter(name, 'query', param)),
  ];
  if (route.idempotent) parameters.push(ref('parameters', 'IdempotencyKey'));
  if (route.ifMatch === 'required') parameters.push(ref('parameters', 'IfMatchRequired'));
  if (route.ifMatch === 'optional') parameters.push(ref('parameters', 'IfMatchOptional'));
  if (route.auth !== false) {
    const names =
      route.auth.kind === 'partner'
        ? ['XRequestId', 'TesseraSimulate']
        : ['XRequestId', 'XTesseraSession', 'TesseraSimulate', 'DPoP'];
    for (const name of names) parameters.push(ref('parameters', name));
  }

  const responses: JsonObject = {};
  for (const success of route.responses)
    responses[String(success.status)] = successResponse(route, success);
  for (const [status, codes] of routeErrorsByStatus(route))
    responses[String(status)] = errorResponse(status, codes);

  const scope = route.auth === false ? undefined : route.auth.scopes[0];
  if (route.auth !== false && route.auth.scopes.length > 1)
    throw new Error(`${route.id}: x-required-scope names one scope; the table gives several`);
  const scopes = scope ? [scope] : [];
  const anyScope =
    route.auth === false || route.auth.kind === 'partner' ? [] : (route.auth.anyScope ?? []);
  // OpenAPI lists alternatives as separate requirements: any one of them is enough.
  const security: Json[] =
    route.auth === false
      ? []
      : route.auth.kind === 'partner'
        ? [{ PartnerToken: scopes }]
        : anyScope.length > 0
          ? anyScope.flatMap((one): Json[] => [{ BearerToken: [one] }, { DPoPToken: [one] }])
          : [{ BearerToken: scopes }, { DPoPToken: scopes }];
  const scopeLine =
    route.auth === false
      ? 'No token.'
      : route.auth.kind === 'partner'
        ? `Partner token with scope \`${scope}\`.`
        : anyScope.length > 0
          ? `Scope: one of ${anyScope.map((one) => `\`${one}\``).join(', ')}.`
          : scope === undefined
            ? 'Any valid token of the partner.'
            : `Scope: \`${scope}\`.`;

  return {
    operationId: route.id,
    tags: [route.tag],
    summary: route.summary,
    description: `${route.description}\n\n${scopeLine}`,
    ...(scope ? { 'x-required-scope': scope } : {}),
    ...(anyScope.length > 0 ? { 'x-any-scope': [...anyScope] } : {}),
    security,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.kind === 'json',
            content: json(
              route.body.kind === 'json' ? schemaOf(route.body.schema) : schemaRef('EmptyBody'),
            ),
          },
        }
      : {}),
    responses,
    ...(route.auth === false ? {} : { 'x-error-codes': routeErrorCodes(route) }),
  };
}

export function buildOpenApi(): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of coreApiRoutes())
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation(route);

  const schemas = { ...contractComponents(), EmptyBody: EMPTY_BODY };
  const sorted = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: DIALECT,
    info: {
      title: 'Tessera core API',
      version: CONTRACT_VERSION,
      summary: 'Quotes, onboarding and account updates for embedded partner widgets.',
      description:
        'The contract every core API deployment meets (the reference sandbox implements it; `npm run test:contract` checks any deployment against it). Generated from `contracts/` by `npm run docs`; do not edit by hand. Human reference: docs/api/README.md; error codes: docs/errors.md.\n\nEvery response carries `X-Request-Id`; authenticated ones carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (per partner and end customer). CORS answers only the origin in the token (never `*`). Every mutation takes `Idempotency-Key`; every updatable resource answers `ETag`, and a `PATCH` needs `If-Match`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [
      {
        url: 'http://127.0.0.1:4100',
        description: 'The reference implementation (sandbox): `tessera core-api`',
      },
    ],
    tags: [
      { name: 'quotes', description: 'Read, accept and decline quotes.' },
      { name: 'onboarding', description: 'Start, save, and submit onboarding applications.' },
      { name: 'accounts', description: 'Read and update the end customer account.' },
      { name: 'reference', description: 'Countries, regions and currencies.' },
      { name: 'events', description: 'The feed of domain events, for the partner backend.' },
      {
        name: 'partner',
        description:
          "The partner API, for the partner's backend (a partner token): accounts by the partner's own ids, quotes, the partner-wide event feed.",
      },
      { name: 'operations', description: 'Health and readiness.' },
    ],
    paths,
    components: {
      schemas: sorted(schemas),
      parameters: sorted(PARAMETERS),
      headers: sorted(HEADERS),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

const TARGET = new URL('../docs/api/openapi.json', import.meta.url);

export async function renderOpenApi(): Promise<string> {
  const text = JSON.stringify(buildOpenApi(), null, 2) + '\n';
  // Formatted as `prettier --check` expects, so the generated file passes the lint.
  return format(text, { ...(await resolveConfig(TARGET.pathname)), parser: 'json' });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(new URL('.', TARGET), { recursive: true });
  writeFileSync(TARGET, await renderOpenApi());
  console.log('docs/api/openapi.json written');
}
