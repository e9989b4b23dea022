import * as z from 'zod/mini';

interface CatalogueEntry {
  /** HTTP status a server answers with; `null` for codes only a client raises. */
  readonly status: number | null;
  /** Whether the same request may succeed if sent again later, unchanged. */
  readonly retryable: boolean;
  readonly meaning: string;
  readonly action: string;
}

/**
 * THE catalogue of every error code any Tessera component can produce, in two halves keyed by
 * the same codes: the table (status, retryable) is all a client needs and stays small in widget
 * bundles; the help (meaning, what to do) serves servers' messages, the CLI and docs/errors.md.
 */
export const ERROR_CODE_TABLE = {
  // --- any request ---
  invalid_json: { status: 400, retryable: false },
  validation_failed: { status: 400, retryable: false },
  body_too_large: { status: 400, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  malformed_request: { status: 400, retryable: false },
  not_found: { status: 404, retryable: false },
  method_not_allowed: { status: 405, retryable: false },
  rate_limited: { status: 429, retryable: true },
  internal_error: { status: 500, retryable: true },
  service_unavailable: { status: 503, retryable: true },
  // --- partner credentials (token service) ---
  partner_key_missing: { status: 401, retryable: false },
  partner_key_invalid: { status: 401, retryable: false },
  partner_key_revoked: { status: 401, retryable: false },
  partner_suspended: { status: 403, retryable: false },
  scope_not_granted: { status: 403, retryable: false },
  origin_not_allowed: { status: 403, retryable: false },
  dpop_jkt_required: { status: 400, retryable: false },
  admin_unauthorized: { status: 401, retryable: false },
  partner_not_found: { status: 404, retryable: false },
  partner_key_not_found: { status: 404, retryable: false },
  data_dir_locked: { status: null, retryable: true },
  // --- widget tokens (verifier): RFC 6750 `invalid_token` family unless noted ---
  token_missing: { status: 401, retryable: false },
  token_malformed: { status: 401, retryable: false },
  token_too_large: { status: 401, retryable: false },
  token_signature_invalid: { status: 401, retryable: false },
  token_algorithm_not_allowed: { status: 401, retryable: false },
  token_type_invalid: { status: 401, retryable: false },
  token_header_forbidden: { status: 401, retryable: false },
  token_issuer_invalid: { status: 401, retryable: false },
  token_audience_invalid: { status: 401, retryable: false },
  token_claims_invalid: { status: 401, retryable: false },
  token_expired: { status: 401, retryable: true },
  token_not_yet_valid: { status: 401, retryable: false },
  token_too_old: { status: 401, retryable: true },
  token_key_unknown: { status: 401, retryable: false },
  token_revoked: { status: 401, retryable: false },
  token_kind_invalid: { status: 401, retryable: false },
  origin_mismatch: { status: 403, retryable: false },
  insufficient_scope: { status: 403, retryable: false },
  dpop_proof_missing: { status: 401, retryable: false },
  dpop_proof_invalid: { status: 401, retryable: false },
  dpop_key_mismatch: { status: 401, retryable: false },
  dpop_proof_replayed: { status: 401, retryable: false },
  keys_unavailable: { status: 503, retryable: true },
  // --- core API ---
  idempotency_key_required: { status: 400, retryable: false },
  idempotency_key_reused: { status: 422, retryable: false },
  precondition_required: { status: 428, retryable: false },
  version_conflict: { status: 412, retryable: false },
  quote_expired: { status: 409, retryable: false },
  quote_not_open: { status: 409, retryable: false },
  onboarding_submitted: { status: 409, retryable: false },
  onboarding_incomplete: { status: 422, retryable: false },
  account_duplicate: { status: 409, retryable: false },
  simulation_not_allowed: { status: 403, retryable: false },
  // --- raised by widgets, never sent by a server ---
  network_error: { status: null, retryable: true },
  timeout: { status: null, retryable: true },
  schema_mismatch: { status: null, retryable: false },
  token_fetch_failed: { status: null, retryable: true },
  configuration_invalid: { status: null, retryable: false },
} as const satisfies Record<
  string,
  { readonly status: number | null; readonly retryable: boolean }
>;

export type ErrorCode = keyof typeof ERROR_CODE_TABLE;

/** What each code means and what to do about it. A code missing here does not compile. */
export const ERROR_HELP: Readonly<
  Record<ErrorCode, { readonly meaning: string; readonly action: string }>
> = {
  // --- any request ---
  invalid_json: {
    meaning: 'The body is not valid JSON.',
    action: 'Send a JSON object with `Content-Type: application/json`.',
  },
  validation_failed: {
    meaning:
      'The body or a parameter does not match the schema; `details.fields` lists each field and why.',
    action: 'Fix the fields named in `details.fields`.',
  },
  body_too_large: {
    meaning: 'The body is larger than the endpoint accepts (16 KiB on the token service).',
    action: 'Send a smaller body; no valid request comes close to the limit.',
  },
  unsupported_media_type: {
    meaning: 'The body is not in a format the endpoint reads.',
    action:
      'Send `Content-Type: application/json` (or the form encoding RFC 7662 names, for introspection).',
  },
  malformed_request: {
    meaning:
      'The request is not well-formed HTTP/1.1: a header holds a control character or a byte the protocol forbids, the headers exceed 16 KiB, or the request line is broken. Refused before any handler reads it.',
    action:
      'Send header values of visible ASCII only and keep headers small; use an HTTP library rather than writing requests by hand.',
  },
  not_found: {
    meaning: 'Nothing is here, or nothing the credential may see.',
    action: "Check the id and the token's subject.",
  },
  method_not_allowed: {
    meaning: 'The path exists but not with this method.',
    action: 'Use the method the API reference gives.',
  },
  rate_limited: {
    meaning: 'Too many requests for this partner in too short a time.',
    action:
      'Wait for `Retry-After` seconds, then retry with backoff; cache tokens instead of minting one per page view.',
  },
  internal_error: {
    meaning: 'Something failed on our side. The request id identifies it in our logs.',
    action: 'Retry with backoff; if it persists, contact support with the `request_id`.',
  },
  service_unavailable: {
    meaning: 'A dependency (database, key store) is not answering.',
    action: 'Retry with backoff; `/readyz` shows when the service is ready again.',
  },
  // --- partner credentials (token service) ---
  partner_key_missing: {
    meaning: 'No partner secret key in `Authorization: Bearer …`.',
    action: 'Send your secret key from your backend; never from a browser.',
  },
  partner_key_invalid: {
    meaning: 'The partner secret key is unknown.',
    action: 'Check the key; issue a new one with `tessera partner key issue`.',
  },
  partner_key_revoked: {
    meaning: 'The partner secret key was revoked.',
    action: 'Use a current key; revoked keys never work again.',
  },
  partner_suspended: {
    meaning:
      'The partner is suspended: no tokens are minted for it and its earlier tokens no longer verify.',
    action: 'Contact the platform; an operator resumes the partner with `tessera partner resume`.',
  },
  scope_not_granted: {
    meaning: "A requested scope is not among the partner's scopes.",
    action: "Ask only for the partner's scopes (`tessera partner show`).",
  },
  origin_not_allowed: {
    meaning: 'The origin is not registered for the partner.',
    action:
      'Register the exact origin (scheme, host, port) with `tessera partner update --origin`.',
  },
  dpop_jkt_required: {
    meaning:
      'The partner requires sender-constrained (DPoP) tokens and the request has no `dpop_jkt`.',
    action: "Forward the widget's `dpopJkt` as `dpop_jkt`.",
  },
  admin_unauthorized: {
    meaning: 'The admin credential is missing or wrong.',
    action:
      'Send `Authorization: Bearer <admin token>` (the `admin-token` file in the data dir, or `TESSERA_ADMIN_TOKEN`).',
  },
  partner_not_found: {
    meaning: 'No partner has this id.',
    action: 'List partners with `tessera partner list`.',
  },
  partner_key_not_found: {
    meaning: 'No partner key has this id.',
    action: "List a partner's keys with `tessera partner show`.",
  },
  data_dir_locked: {
    meaning: 'Another process holds the embedded database and offers no admin API to talk to.',
    action: 'Stop that process, or run the command against the running service.',
  },
  // --- widget tokens (verifier): RFC 6750 `invalid_token` family unless noted ---
  token_missing: {
    meaning: 'The request carries no access token.',
    action: 'Send `Authorization: Bearer <token>`.',
  },
  token_malformed: {
    meaning: 'The token is not a well-formed JWT.',
    action: 'Send the token exactly as minted.',
  },
  token_too_large: {
    meaning: 'The token is longer than any Tessera token can be (8 KiB).',
    action: 'Send the token exactly as minted.',
  },
  token_signature_invalid: {
    meaning: 'The signature does not verify against the published key.',
    action: 'Mint a new token; do not alter tokens.',
  },
  token_algorithm_not_allowed: {
    meaning: "The token's `alg` is not the one algorithm this verifier accepts.",
    action: 'Use tokens minted by the token service.',
  },
  token_type_invalid: {
    meaning: "The token's `typ` header is not `at+jwt`.",
    action: 'Use access tokens minted by the token service.',
  },
  token_header_forbidden: {
    meaning:
      'The token names its own key (`jku`, `jwk`, `x5u`, `x5c`) or critical extensions; keys come only from the configured JWKS.',
    action: 'Use tokens minted by the token service.',
  },
  token_issuer_invalid: {
    meaning: 'The token was issued by another issuer.',
    action: 'Mint tokens from the token service this API trusts.',
  },
  token_audience_invalid: {
    meaning: 'The token is meant for another audience.',
    action: 'Mint tokens for this API.',
  },
  token_claims_invalid: {
    meaning: 'A required claim is missing or has the wrong form.',
    action: 'Use tokens minted by the token service.',
  },
  token_expired: {
    meaning: 'The token has expired.',
    action: 'Fetch a new token and retry once (widgets do this themselves).',
  },
  token_not_yet_valid: {
    meaning: "The token's `iat` or `nbf` lies in the future beyond the clock tolerance.",
    action: 'Check the clocks of the token service and the API.',
  },
  token_too_old: {
    meaning: 'The token was issued longer ago than any token may live.',
    action: 'Fetch a new token.',
  },
  token_key_unknown: {
    meaning: "No published key has the token's `kid`, even after refreshing the key set.",
    action:
      "Mint a new token; if every token fails, check that the API reaches the token service's JWKS.",
  },
  token_revoked: {
    meaning: 'The token was issued before its partner was suspended.',
    action: 'The partner must be resumed; tokens minted afterwards verify.',
  },
  token_kind_invalid: {
    meaning:
      'The token is of the other kind: a partner token (from `POST /oauth/token`) where a widget token belongs, or a widget token where a partner token belongs.',
    action:
      'Send widget tokens (`POST /v1/tokens`) from the browser to widget routes, and partner tokens from your backend to `/v1/partner/*` routes.',
  },
  origin_mismatch: {
    meaning: "The request's `Origin` is not the origin the token was minted for.",
    action: "Mint the token for the page's own origin.",
  },
  insufficient_scope: {
    meaning: 'The token lacks the scope this endpoint needs (RFC 6750 `insufficient_scope`).',
    action: 'Mint the token with the scope named in `details.required_scope`.',
  },
  dpop_proof_missing: {
    meaning: 'The token is bound to a DPoP key and the request carries no `DPoP` proof.',
    action: 'Send a DPoP proof signed with the bound key (widgets do this themselves).',
  },
  dpop_proof_invalid: {
    meaning:
      'The DPoP proof is malformed, badly signed, stale, or not for this method, URL or token.',
    action: 'Sign a fresh proof for this exact request.',
  },
  dpop_key_mismatch: {
    meaning: 'The DPoP proof is signed with another key than the token is bound to.',
    action: 'Sign proofs with the key whose thumbprint was sent as `dpop_jkt`.',
  },
  dpop_proof_replayed: {
    meaning: 'This DPoP proof (`jti`) was already used.',
    action: 'Sign a new proof for every request.',
  },
  keys_unavailable: {
    meaning: "The verifier has never obtained the token service's key set.",
    action: 'Check that the API reaches the JWKS URL; retry with backoff.',
  },
  // --- core API ---
  idempotency_key_required: {
    meaning: 'A mutation was sent without `Idempotency-Key`.',
    action: 'Send a unique key per user action, and the same key on retries.',
  },
  idempotency_key_reused: {
    meaning: 'The `Idempotency-Key` was used before with a different body.',
    action: 'Use a new key for a new action.',
  },
  precondition_required: {
    meaning: 'An update was sent without `If-Match`.',
    action: "Send the resource's `ETag` as `If-Match`.",
  },
  version_conflict: {
    meaning:
      'The resource changed since it was read; `details.current_version` has the version now.',
    action: 'Reload, reconcile, and update with the new `ETag`.',
  },
  quote_expired: {
    meaning: 'The quote is past its `valid_until`.',
    action: 'Ask for a new quote.',
  },
  quote_not_open: {
    meaning: 'The quote was already accepted or declined.',
    action: 'Reload the quote to see its status.',
  },
  onboarding_submitted: {
    meaning: 'The application was submitted and is read-only.',
    action: 'Nothing to do: its result arrives as an event.',
  },
  onboarding_incomplete: {
    meaning: 'Submit found steps that are missing or invalid; `details.fields` lists them.',
    action: 'Complete the fields named and submit again.',
  },
  account_duplicate: {
    meaning:
      'Another of your accounts already has this billing email (compared trimmed and lower-cased); `details` names it by `account_id` and `external_id`.',
    action:
      'Use that account (its `external_id`) instead of creating a second one, or give this account another billing email.',
  },
  simulation_not_allowed: {
    meaning:
      '`Tessera-Simulate` was sent with a live-mode token; failures can be rehearsed only in test mode.',
    action: 'Drop the header, or use a test-mode partner key.',
  },
  // --- raised by widgets, never sent by a server ---
  network_error: {
    meaning: 'The API could not be reached.',
    action: 'Check the connection; the widget retries.',
  },
  timeout: {
    meaning: 'The API did not answer in time.',
    action: 'Retry; the widget backs off.',
  },
  schema_mismatch: {
    meaning:
      'The API answered with data that does not match the contract; the widget refuses to show it.',
    action: 'Report it with the `requestId`; the API deployment does not meet the v1 contract.',
  },
  token_fetch_failed: {
    meaning: "The partner's `fetchToken` (or `token-url`) failed or returned no token.",
    action: "Check the partner backend's token endpoint; the widget offers a retry.",
  },
  configuration_invalid: {
    meaning: 'The widget is missing `apiBase`, `fetchToken`/`token-url`, or a required attribute.',
    action: 'Configure the widget as the partner guide shows.',
  },
};

/** Both halves per code, for servers and docs; bundles that do not use it drop it. */
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, CatalogueEntry>> =
  /* @__PURE__ */ mergeCatalogue();

function mergeCatalogue(): Record<ErrorCode, CatalogueEntry> {
  const merged = {} as Record<ErrorCode, CatalogueEntry>;
  for (const code of Object.keys(ERROR_CODE_TABLE) as ErrorCode[])
    merged[code] = { ...ERROR_CODE_TABLE[code], ...ERROR_HELP[code] };
  return merged;
}

export const ERROR_CODES = /* @__PURE__ */ Object.keys(ERROR_CODE_TABLE) as ErrorCode[];
export const ErrorCodeSchema = z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]);

export const ERROR_DOC_BASE = 'https://docs.tessera.dev/errors';
export function errorDocUrl(code: ErrorCode): string {
  return `${ERROR_DOC_BASE}#${code}`;
}

export const ErrorEnvelope = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    request_id: z.string(),
    details: z.optional(z.record(z.string(), z.unknown())),
    doc_url: z.string(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** A field-level problem, as listed in `details.fields`. */
export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** Turns zod issues into `details.fields`; the path is dotted (`billing_address.country`). */
export function fieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        code: 'unknown_field',
        message: `unknown field "${key}"`,
      }));
    }
    return [{ path: base, code: issue.code, message: issue.message }];
  });
}

/**
 * Validates untrusted input into its data or field issues. A crafted value can make a check throw
 * instead of fail (`{"length":{"toString":1}}` where a string belongs: the length check coerces
 * it); that value is just as invalid, and is reported at the input's own path.
 */
export function checkInput<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
): { success: true; data: z.infer<S> } | { success: false; fields: FieldIssue[] } {
  let parsed: ReturnType<S['safeParse']>;
  try {
    parsed = schema.safeParse(input) as ReturnType<S['safeParse']>;
  } catch {
    return {
      success: false,
      fields: [{ path: '', code: 'invalid_value', message: 'cannot be read as the expected type' }],
    };
  }
  return parsed.success
    ? { success: true, data: parsed.data as z.infer<S> }
    : { success: false, fields: fieldIssues(parsed.error.issues) };
}

/** A catalogued error, thrown by domain code and turned into the envelope at the edge. */
export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_HELP[code].meaning);
    this.name = 'TesseraError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CODE_TABLE[this.code].status ?? 500;
  }
  get retryable(): boolean {
    return ERROR_CODE_TABLE[this.code].retryable;
  }
}

/** The envelope for a catalogued error: what every Tessera server answers on failure. */
export function errorEnvelope(
  code: ErrorCode,
  message: string,
  requestId: string,
  details?: Record<string, unknown>,
): ErrorEnvelope {
  return {
    error: {
      code,
      message,
      request_id: requestId,
      ...(details ? { details } : {}),
      doc_url: errorDocUrl(code),
    },
  };
}
