/**
 * docs/api/openapi.json is generated from the zod contracts and the error catalogue, so the API
 * reference cannot drift from what the code validates: `npm run docs` rewrites it, and
 * test/docs/openapi.test.ts fails when it is out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import * as z from 'zod/mini';
import {
  Account,
  AccountId,
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
  LineItem,
  OnboardingApplication,
  OnboardingId,
  OnboardingPatch,
  Quote,
  QuoteAccept,
  QuoteDecline,
  QuoteId,
  Region,
  type ErrorCode,
  type Scope,
} from '../contracts/index.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DIALECT = 'https://spec.openapis.org/oas/3.1/dialect/base';
const ref = (kind: string, name: string): JsonObject => ({ $ref: `#/components/${kind}/${name}` });
const schemaRef = (name: string) => ref('schemas', name);

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

/** The components that come from contracts/, with their shared parts as `$ref`s. */
function contractComponents(): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  const named: [string, z.ZodMiniType, string][] = [
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
  ];
  for (const [id, schema] of named) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonObject> };
  const out: Record<string, JsonObject> = {};
  for (const [id, , description] of named) {
    // The registry's own `$schema` and `$id` have no place inside an OpenAPI component.
    const rest = { ...schemas[id] };
    delete rest.$schema;
    delete rest.$id;
    out[id] = { description, ...rest };
  }
  return out;
}

function operationalComponents(): Record<string, JsonObject> {
  return {
    Health: {
      type: 'object',
      properties: { status: { const: 'ok' } },
      required: ['status'],
    },
    Readiness: {
      type: 'object',
      properties: {
        status: { enum: ['ready', 'not_ready'] },
        checks: {
          type: 'object',
          additionalProperties: { enum: ['ok', 'unavailable'] },
          description: 'Each dependency (database, token service keys) and its state.',
        },
      },
      required: ['status', 'checks'],
    },
    EmptyBody: {
      description: 'No body, or an empty JSON object.',
      type: 'object',
      maxProperties: 0,
    },
  };
}

const HEADERS: Record<string, JsonObject> = {
  ETag: {
    description:
      'The resource `version` as an entity tag (the reference answers `"3"`). Send it back unchanged as `If-Match`.',
    schema: { type: 'string', pattern: '^(W/)?"v?[0-9]+"$' },
  },
  'X-Request-Id': {
    description:
      'The request id: yours when you sent a safe one (1–128 of `A–Z a–z 0–9 . _ : -`), else one made up. It is in every log line and every event the request causes.',
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
  'Idempotent-Replayed': {
    description:
      '`true` when this answer is the stored first answer to the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
};

const SAFE_ID = '^[A-Za-z0-9._:-]{1,128}$';
const SIMULATIONS = ['rate_limited', 'server_error', 'slow', 'token_expired', 'conflict'];

const PARAMETERS: Record<string, JsonObject> = {
  QuoteId: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'A quote id. An id that is malformed, unknown or not yours answers `404`.',
    schema: jsonSchema(QuoteId),
  },
  OnboardingId: {
    name: 'id',
    in: 'path',
    required: true,
    description:
      'An onboarding application id. An id that is malformed, unknown or not yours answers `404`.',
    schema: jsonSchema(OnboardingId),
  },
  AccountId: {
    name: 'id',
    in: 'path',
    required: true,
    description:
      "An account id: the token's `sub`. Any other id, or an account not linked to the token's partner, answers `404`.",
    schema: jsonSchema(AccountId),
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: true,
    description:
      'One key per user action, the same key on every retry of it. The same key with the same body answers the first response again (kept at least 24 h); the same key with another body is refused with `422 idempotency_key_reused`. Without it: `400 idempotency_key_required`.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,255}$' },
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
    schema: { type: 'string', pattern: SAFE_ID },
  },
  XTesseraSession: {
    name: 'X-Tessera-Session',
    in: 'header',
    required: false,
    description:
      "The widget session id. Logged with the request and written into each event it causes, so one id follows a customer's action from mint to your backend.",
    schema: { type: 'string', pattern: SAFE_ID },
  },
  TesseraSimulate: {
    name: 'Tessera-Simulate',
    in: 'header',
    required: false,
    description:
      'Sandbox switch, **test-mode partners only** (a live-mode token gets `403 simulation_not_allowed`; an unknown value `400 validation_failed`). The API answers as that failure would, after verifying the token: `rate_limited` → `429 rate_limited` with `Retry-After`; `server_error` → `500 internal_error`; `slow` → the normal answer, a few seconds late; `token_expired` → `401 token_expired`; `conflict` → `412 version_conflict` with `details.current_version`.',
    schema: { type: 'string', enum: SIMULATIONS },
  },
  DPoP: {
    name: 'DPoP',
    in: 'header',
    required: false,
    description:
      'RFC 9449 proof for this method and URL, signed with the key the token is bound to (`cnf.jkt`). Required with a DPoP-bound token, which is sent as `Authorization: DPoP <token>`.',
    schema: { type: 'string' },
  },
  EventsAfter: {
    name: 'after',
    in: 'query',
    required: false,
    description: 'Answer the events after this cursor (0, the default, is the beginning).',
    schema: { type: 'integer', minimum: 0, default: 0 },
  },
  EventsLimit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Events per page.',
    schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
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
  DPoPToken: {
    type: 'http',
    scheme: 'DPoP',
    bearerFormat: 'JWT',
    description:
      'The same token bound to a key (`cnf.jkt`, RFC 9449): `Authorization: DPoP <token>` plus a `DPoP` proof header per request.',
  },
};

// --- which errors an operation can answer ----------------------------------------------------------

const CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
const statusOf = (code: ErrorCode): number | null => ERROR_CATALOGUE[code].status;

/** Every refusal of the verifier: the RFC 6750 `invalid_token` family, DPoP, origin. */
const TOKEN_CODES: ErrorCode[] = [
  ...CODES.filter(
    (code) => statusOf(code) === 401 && (code.startsWith('token_') || code.startsWith('dpop_')),
  ),
  'origin_mismatch',
  'keys_unavailable',
];
/** Any request with a token: bad headers, the sandbox switch, limits, our failures. */
const ANY_TOKEN_CODES: ErrorCode[] = [
  ...TOKEN_CODES,
  'validation_failed',
  'simulation_not_allowed',
  'rate_limited',
  'internal_error',
  'service_unavailable',
];
const MUTATION_CODES: ErrorCode[] = ['idempotency_key_required', 'idempotency_key_reused'];
const JSON_BODY_CODES: ErrorCode[] = [
  'invalid_json',
  'validation_failed',
  'body_too_large',
  'unsupported_media_type',
];

interface OperationSpec {
  method: 'get' | 'post' | 'patch';
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description: string;
  /** `null`: any valid token of the partner; `false`: no token at all. */
  scope: Scope | null | false;
  parameters?: string[];
  body?: { schema: string; required: boolean; json: boolean };
  ifMatch?: 'required' | 'optional';
  success: { status: string; description: string; schema: string; etag: boolean }[];
  codes?: ErrorCode[];
}

const OPERATIONS: OperationSpec[] = [
  {
    method: 'get',
    path: '/v1/quotes/{id}',
    operationId: 'getQuote',
    tag: 'quotes',
    summary: 'Read a quote',
    description:
      'An open quote past `valid_until` reads as `expired`. Another account’s quote is `404`, never `403`.',
    scope: 'quote:read',
    parameters: ['QuoteId'],
    success: [{ status: '200', description: 'The quote.', schema: 'Quote', etag: true }],
    codes: ['not_found'],
  },
  {
    method: 'post',
    path: '/v1/quotes/{id}/accept',
    operationId: 'acceptQuote',
    tag: 'quotes',
    summary: 'Accept a quote',
    description:
      'Accepts an open quote and writes a `quote.accepted` event. An expired quote is `409 quote_expired`; an accepted or declined one `409 quote_not_open`.',
    scope: 'quote:accept',
    parameters: ['QuoteId'],
    body: { schema: 'QuoteAccept', required: true, json: true },
    ifMatch: 'optional',
    success: [{ status: '200', description: 'The accepted quote.', schema: 'Quote', etag: true }],
    codes: ['not_found', 'version_conflict', 'quote_expired', 'quote_not_open'],
  },
  {
    method: 'post',
    path: '/v1/quotes/{id}/decline',
    operationId: 'declineQuote',
    tag: 'quotes',
    summary: 'Decline a quote',
    description:
      'Declines an open quote and writes a `quote.declined` event. An expired quote is `409 quote_expired`; an accepted or declined one `409 quote_not_open`.',
    scope: 'quote:accept',
    parameters: ['QuoteId'],
    body: { schema: 'QuoteDecline', required: true, json: true },
    ifMatch: 'optional',
    success: [{ status: '200', description: 'The declined quote.', schema: 'Quote', etag: true }],
    codes: ['not_found', 'version_conflict', 'quote_expired', 'quote_not_open'],
  },
  {
    method: 'post',
    path: '/v1/onboarding',
    operationId: 'startOnboarding',
    tag: 'onboarding',
    summary: "Start or resume the token subject's onboarding",
    description:
      'Answers the application in progress for the token’s account (`200`), or starts one (`201`). Takes no body (or `{}`).',
    scope: 'onboarding:write',
    body: { schema: 'EmptyBody', required: false, json: false },
    success: [
      {
        status: '200',
        description: 'The application in progress, resumed.',
        schema: 'OnboardingApplication',
        etag: true,
      },
      {
        status: '201',
        description: 'A new application.',
        schema: 'OnboardingApplication',
        etag: true,
      },
    ],
    codes: ['not_found'],
  },
  {
    method: 'get',
    path: '/v1/onboarding/{id}',
    operationId: 'getOnboarding',
    tag: 'onboarding',
    summary: 'Read an onboarding application',
    description: 'Includes the draft values saved so far and which steps are complete.',
    scope: 'onboarding:read',
    parameters: ['OnboardingId'],
    success: [
      {
        status: '200',
        description: 'The application.',
        schema: 'OnboardingApplication',
        etag: true,
      },
    ],
    codes: ['not_found'],
  },
  {
    method: 'patch',
    path: '/v1/onboarding/{id}',
    operationId: 'saveOnboardingStep',
    tag: 'onboarding',
    summary: 'Save a step as a draft',
    description:
      "Saves any subset of one step's fields, merged into what was saved; only the fields sent are validated. A submitted application is read-only (`409 onboarding_submitted`).",
    scope: 'onboarding:write',
    parameters: ['OnboardingId'],
    body: { schema: 'OnboardingPatch', required: true, json: true },
    ifMatch: 'required',
    success: [
      {
        status: '200',
        description: 'The application with the step saved, at its new version.',
        schema: 'OnboardingApplication',
        etag: true,
      },
    ],
    codes: ['not_found', 'precondition_required', 'version_conflict', 'onboarding_submitted'],
  },
  {
    method: 'post',
    path: '/v1/onboarding/{id}/submit',
    operationId: 'submitOnboarding',
    tag: 'onboarding',
    summary: 'Submit an onboarding application',
    description:
      'Validates every step, marks the application `submitted`, carries its values into the account and writes `onboarding.submitted` and `account.updated` events. Missing or invalid steps: `422 onboarding_incomplete` with `details.fields`. Takes no body (or `{}`).',
    scope: 'onboarding:write',
    parameters: ['OnboardingId'],
    body: { schema: 'EmptyBody', required: false, json: false },
    ifMatch: 'optional',
    success: [
      {
        status: '200',
        description: 'The submitted application.',
        schema: 'OnboardingApplication',
        etag: true,
      },
    ],
    codes: ['not_found', 'version_conflict', 'onboarding_submitted', 'onboarding_incomplete'],
  },
  {
    method: 'get',
    path: '/v1/accounts/{id}',
    operationId: 'getAccount',
    tag: 'accounts',
    summary: 'Read the account',
    description: "Only the token's own account, and only when it is linked to the token's partner.",
    scope: 'account:read',
    parameters: ['AccountId'],
    success: [{ status: '200', description: 'The account.', schema: 'Account', etag: true }],
    codes: ['not_found'],
  },
  {
    method: 'patch',
    path: '/v1/accounts/{id}',
    operationId: 'updateAccount',
    tag: 'accounts',
    summary: 'Update the account',
    description:
      'Changes the fields sent; writes an `account.updated` event. Country, region, currency and tax id are checked against the reference data.',
    scope: 'account:write',
    parameters: ['AccountId'],
    body: { schema: 'AccountUpdate', required: true, json: true },
    ifMatch: 'required',
    success: [
      {
        status: '200',
        description: 'The account at its new version.',
        schema: 'Account',
        etag: true,
      },
    ],
    codes: ['not_found', 'precondition_required', 'version_conflict'],
  },
  {
    method: 'get',
    path: '/v1/reference/countries',
    operationId: 'listCountries',
    tag: 'reference',
    summary: 'List supported countries',
    description: 'Any valid token may read reference data.',
    scope: null,
    success: [{ status: '200', description: 'Every country.', schema: 'CountryList', etag: false }],
  },
  {
    method: 'get',
    path: '/v1/reference/currencies',
    operationId: 'listCurrencies',
    tag: 'reference',
    summary: 'List supported currencies',
    description: 'Any valid token may read reference data.',
    scope: null,
    success: [
      { status: '200', description: 'Every currency.', schema: 'CurrencyList', etag: false },
    ],
  },
  {
    method: 'get',
    path: '/v1/events',
    operationId: 'listEvents',
    tag: 'events',
    summary: 'Read the event feed',
    description:
      "The partner's domain events (`quote.accepted`, `quote.declined`, `onboarding.submitted`, `account.updated`), oldest first, cursor-paginated; a widget token reads those of its own account. Any valid token of the partner.",
    scope: null,
    parameters: ['EventsAfter', 'EventsLimit'],
    success: [
      { status: '200', description: 'A page of events.', schema: 'EventPage', etag: false },
    ],
  },
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tag: 'operations',
    summary: 'Liveness',
    description: 'Answers while the process runs. No token.',
    scope: false,
    success: [{ status: '200', description: 'Alive.', schema: 'Health', etag: false }],
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'ready',
    tag: 'operations',
    summary: 'Readiness',
    description:
      'Whether the database answers and the token service keys are known; `503` with the same body when not. No token.',
    scope: false,
    success: [
      { status: '200', description: 'Ready.', schema: 'Readiness', etag: false },
      { status: '503', description: 'Not ready.', schema: 'Readiness', etag: false },
    ],
  },
];

/** The catalogue codes an operation can answer, in catalogue order. */
function errorCodesOf(op: OperationSpec): ErrorCode[] {
  if (op.scope === false) return [];
  const codes = new Set<ErrorCode>([...ANY_TOKEN_CODES, ...(op.codes ?? [])]);
  if (op.scope) codes.add('insufficient_scope');
  if (op.method !== 'get') MUTATION_CODES.forEach((code) => codes.add(code));
  if (op.body?.json) JSON_BODY_CODES.forEach((code) => codes.add(code));
  if (op.body && !op.body.json) codes.add('validation_failed');
  return CODES.filter((code) => codes.has(code));
}

const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

function successResponse(op: OperationSpec, success: OperationSpec['success'][number]): JsonObject {
  const headers: JsonObject = {};
  if (success.etag) headers.ETag = ref('headers', 'ETag');
  if (op.scope !== false) {
    headers['X-Request-Id'] = ref('headers', 'X-Request-Id');
    for (const name of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])
      headers[name] = ref('headers', name);
    if (op.method !== 'get') headers['Idempotent-Replayed'] = ref('headers', 'Idempotent-Replayed');
  }
  return {
    description: success.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: json(schemaRef(success.schema)),
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

function operation(op: OperationSpec): JsonObject {
  const parameters: Json[] = (op.parameters ?? []).map((name) => ref('parameters', name));
  if (op.method !== 'get') parameters.push(ref('parameters', 'IdempotencyKey'));
  if (op.ifMatch === 'required') parameters.push(ref('parameters', 'IfMatchRequired'));
  if (op.ifMatch === 'optional') parameters.push(ref('parameters', 'IfMatchOptional'));
  if (op.scope !== false) {
    for (const name of ['XRequestId', 'XTesseraSession', 'TesseraSimulate', 'DPoP'])
      parameters.push(ref('parameters', name));
  }

  const responses: JsonObject = {};
  for (const success of op.success) responses[success.status] = successResponse(op, success);
  const codes = errorCodesOf(op);
  const statuses = [...new Set(codes.map((code) => statusOf(code) ?? 500))].sort((a, b) => a - b);
  for (const status of statuses) {
    responses[String(status)] = errorResponse(
      status,
      codes.filter((code) => statusOf(code) === status),
    );
  }

  const scopes = op.scope ? [op.scope] : [];
  const security: Json[] =
    op.scope === false ? [] : [{ BearerToken: scopes }, { DPoPToken: scopes }];
  const scopeLine =
    op.scope === false
      ? 'No token.'
      : op.scope === null
        ? 'Any valid token of the partner.'
        : `Scope: \`${op.scope}\`.`;

  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: `${op.description}\n\n${scopeLine}`,
    ...(op.scope ? { 'x-required-scope': op.scope } : {}),
    security,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required,
            content: json(schemaRef(op.body.schema)),
          },
        }
      : {}),
    responses,
    ...(op.scope === false ? {} : { 'x-error-codes': codes }),
  };
}

export function buildOpenApi(): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operation(op);

  const schemas = { ...contractComponents(), ...operationalComponents() };
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
