import { ERROR_CODE_TABLE, type ErrorCode } from '../contracts/index.ts';

/**
 * A catalogue code (docs/errors.md), or a code this SDK does not know yet: a newer API may answer
 * with a code added after this version was published, and the SDK passes it through untouched.
 */
export type TesseraErrorCode = ErrorCode | (string & {});

/** Whether the catalogue marks `code` as worth sending again unchanged (rate limits, our outages). */
export function isRetryableCode(code: string): boolean {
  const entry = (ERROR_CODE_TABLE as Record<string, { retryable: boolean } | undefined>)[code];
  return entry?.retryable ?? false;
}

/**
 * Any failure of a Tessera call: an error envelope from the API or the token service, an OAuth
 * refusal (mapped to its catalogue code), or a client-side failure (`network_error`, `timeout`,
 * `schema_mismatch`, `configuration_invalid`). `status` is 0 when no answer came.
 */
export class TesseraApiError extends Error {
  override readonly name: string = 'TesseraApiError';
  readonly code: TesseraErrorCode;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(init: {
    code: TesseraErrorCode;
    message: string;
    status?: number;
    requestId?: string | undefined;
    details?: Record<string, unknown> | undefined;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status ?? 0;
    this.requestId = init.requestId;
    this.details = init.details;
  }

  /** The catalogue's word on sending the same request again later. */
  get retryable(): boolean {
    return isRetryableCode(this.code);
  }
}

/**
 * Narrows an unknown error to a Tessera error, of one code (or one of several) when given:
 * `if (isTesseraError(error, 'account_duplicate')) error.details?.account_id`.
 */
export function isTesseraError(
  error: unknown,
  code?: TesseraErrorCode | readonly TesseraErrorCode[],
): error is TesseraApiError {
  if (!(error instanceof TesseraApiError)) return false;
  if (code === undefined) return true;
  return typeof code === 'string' ? error.code === code : code.includes(error.code);
}

/** Why a webhook was refused: each answers a different question when a receiver debugs. */
export type WebhookVerificationReason = 'signature' | 'timestamp' | 'format' | 'headers';

/** A delivery that must not be trusted; answer it with a 4xx and do not act on it. */
export class WebhookVerificationError extends Error {
  override readonly name: string = 'WebhookVerificationError';
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
