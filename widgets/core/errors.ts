import { ERROR_CODE_TABLE, type ErrorCode } from '../../contracts/v1/errors.ts';

/** Where an error happened, so support can find it: both ids appear in the core API's logs. */
export interface ErrorContext {
  requestId?: string | undefined;
  sessionId?: string | undefined;
  status?: number | undefined;
}

export interface WidgetErrorInit extends ErrorContext {
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

/** What `tessera-error` and `onEvent({ type: 'error' })` carry. */
export interface WidgetErrorDetail {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  requestId: string | undefined;
  sessionId: string | undefined;
}

/** A catalogued error as a widget sees it; `retryable` comes from the catalogue, never from a guess. */
/**
 * English defaults for the codes a widget raises itself. Short on purpose: the catalogue's help
 * texts stay out of the bundle, and the element shows its own localised message by code.
 */
const CLIENT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  network_error: 'The service could not be reached.',
  timeout: 'The service did not answer in time.',
  schema_mismatch: 'The service answered with data this widget cannot show.',
  token_fetch_failed: 'No access token could be obtained.',
  configuration_invalid: 'The widget is not configured correctly.',
};

export class WidgetError extends Error {
  declare readonly code: ErrorCode;
  declare readonly retryable: boolean;
  declare readonly requestId: string | undefined;
  declare readonly sessionId: string | undefined;
  declare readonly status: number | undefined;
  declare readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, init: WidgetErrorInit = {}) {
    super(message ?? CLIENT_MESSAGES[code] ?? `The request failed (${code}).`, {
      cause: init.cause,
    });
    this.name = 'WidgetError';
    this.code = code;
    this.retryable = ERROR_CODE_TABLE[code].retryable;
    this.requestId = init.requestId;
    this.sessionId = init.sessionId;
    this.status = init.status;
    this.details = init.details;
  }

  /** The same error with the ids it lacked filled in. */
  withContext(context: ErrorContext): WidgetError {
    const adds =
      (this.requestId === undefined && context.requestId !== undefined) ||
      (this.sessionId === undefined && context.sessionId !== undefined) ||
      (this.status === undefined && context.status !== undefined);
    if (!adds) return this;
    return new WidgetError(this.code, this.message, {
      requestId: this.requestId ?? context.requestId,
      sessionId: this.sessionId ?? context.sessionId,
      status: this.status ?? context.status,
      details: this.details,
      cause: this.cause,
    });
  }

  toDetail(): WidgetErrorDetail {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      requestId: this.requestId,
      sessionId: this.sessionId,
    };
  }
}

/** For an error answer that is not our envelope (a proxy's HTML page, a newer server's code). */
function codeForStatus(status: number): ErrorCode {
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'service_unavailable';
  if (status >= 500) return 'internal_error';
  return 'schema_mismatch';
}

function serverMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const error = body.error;
  if (typeof error !== 'object' || error === null || !('message' in error)) return undefined;
  const message = error.message;
  return typeof message === 'string' ? message : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** zod's test for what `z.record` accepts: an object made by `{}` or `Object.create(null)`. */
function isPlainObject(value: unknown): boolean {
  if (!isObject(value)) return false;
  const ctor = value.constructor;
  if (typeof ctor !== 'function') return true;
  const prototype: unknown = ctor.prototype;
  return isObject(prototype) && Object.hasOwn(prototype, 'isPrototypeOf');
}

/**
 * The `error` of a body that is the contracts' `ErrorEnvelope`, checked field by field as its
 * schema does. By hand because the schema (with `z.record`, `z.unknown` and the code enum) added
 * 0.5 KB gzip to every widget for this one check (`npm run bench:bundle`: the quote built alone
 * went from 25.6 to 25.1 KB).
 */
function envelopeOf(body: unknown) {
  const error = isObject(body) ? body.error : undefined;
  if (!isObject(error)) return undefined;
  const { code, message, request_id, details, doc_url } = error;
  if (
    typeof code !== 'string' ||
    !Object.hasOwn(ERROR_CODE_TABLE, code) ||
    typeof message !== 'string' ||
    typeof request_id !== 'string' ||
    typeof doc_url !== 'string' ||
    (details !== undefined && !isPlainObject(details))
  ) {
    return undefined;
  }
  return {
    code: code as ErrorCode,
    message,
    request_id,
    details: details as typeof error | undefined,
  };
}

function isNamed(error: unknown, ...names: string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/**
 * Any failure as a `WidgetError`. A parsed error body with `context.status` is read as the core
 * API's envelope; `TimeoutError` (the API client's timeout) is `timeout`; a `TypeError` from
 * fetch is the network.
 */
export function toWidgetError(error: unknown, context: ErrorContext = {}): WidgetError {
  if (error instanceof WidgetError) return error.withContext(context);

  const envelope = envelopeOf(error);
  if (envelope) {
    const { code, message, request_id, details } = envelope;
    return new WidgetError(code, message, {
      ...context,
      requestId: request_id || context.requestId,
      details,
    });
  }
  if (context.status !== undefined) {
    return new WidgetError(codeForStatus(context.status), serverMessage(error), {
      ...context,
      details: { body: error },
    });
  }
  if (isNamed(error, 'TimeoutError')) {
    return new WidgetError('timeout', undefined, { ...context, cause: error });
  }
  if (error instanceof TypeError || isNamed(error, 'NetworkError', 'AbortError')) {
    return new WidgetError('network_error', undefined, { ...context, cause: error });
  }
  if (isNamed(error, 'ZodError', '$ZodError', 'SyntaxError')) {
    return new WidgetError('schema_mismatch', undefined, { ...context, cause: error });
  }
  const message = error instanceof Error ? error.message : undefined;
  return new WidgetError('internal_error', message, { ...context, cause: error });
}
