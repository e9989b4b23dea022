import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import { TesseraApiError, isRetryableCode } from './errors.ts';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TransportOptions {
  fetch: FetchLike;
  /** Further attempts after the first; 0 sends each request once. */
  maxRetries: number;
  /** Per attempt: an attempt that takes longer is abandoned and counts as a network failure. */
  timeoutMs: number;
  /** The first backoff step; doubled per attempt, with jitter, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  userAgent?: string;
}

/**
 * How a request may be sent again:
 * - `read`: a GET, safe to repeat.
 * - `keyed`: a mutation carrying its `Idempotency-Key`; every attempt sends the same key, so the
 *   API acts at most once and answers a retry with the first answer.
 * - `harmless`: a mutation whose repetition costs nothing (minting a token, obtaining one).
 */
export type RetryMode = 'read' | 'keyed' | 'harmless';

export interface ApiRequest<S extends z.ZodMiniType | undefined> {
  method: Method;
  url: string;
  retry: RetryMode;
  headers?: Record<string, string>;
  /** JSON-encoded when an object; sent as is when a URLSearchParams (a form). */
  body?: unknown;
  /** The `Authorization` value for each attempt; `expired` is called on `401 token_expired`. */
  auth?: { header(): Promise<string>; expired(header: string): void };
  /** The contract the answer is checked against; an answer that does not match is refused. */
  schema?: S;
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** Codes after which the same request with a fresh partner token succeeds. */
const STALE_TOKEN = new Set(['token_expired', 'token_too_old']);

/**
 * Sends requests with retries. Written by hand rather than with a retry library because the rule
 * is specific: what may be repeated depends on the idempotency key, the catalogue's `retryable`
 * flag and `Retry-After`, and a stale partner token is refreshed once, outside the retry budget.
 */
export class Transport {
  readonly #options: Required<TransportOptions>;

  constructor(options: TransportOptions) {
    this.#options = {
      baseDelayMs: 250,
      maxDelayMs: 8_000,
      userAgent: 'tessera-node/0.1.0',
      ...options,
    };
  }

  /** A fresh idempotency key: one per logical operation, never per attempt. */
  static newIdempotencyKey(): string {
    return randomUUID();
  }

  async send<S extends z.ZodMiniType | undefined = undefined>(
    request: ApiRequest<S>,
  ): Promise<ApiResponse<S extends z.ZodMiniType ? z.infer<S> : unknown>> {
    const { maxRetries } = this.#options;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      let failure: TesseraApiError;
      let retryAfterMs: number | undefined;
      const authorization = request.auth ? await request.auth.header() : undefined;
      try {
        const response = await this.#attempt(request, authorization);
        if (response.ok) {
          return {
            status: response.status,
            body: await this.#read(response, request.schema),
            headers: response.headers,
          } as ApiResponse<S extends z.ZodMiniType ? z.infer<S> : unknown>;
        }
        failure = await errorOf(response);
        retryAfterMs = retryAfter(response.headers.get('retry-after'));
        if (request.auth && authorization && !refreshed && STALE_TOKEN.has(failure.code)) {
          // Once per call, and not counted: the token outlived its cache, the request is fine.
          refreshed = true;
          request.auth.expired(authorization);
          attempt--;
          continue;
        }
        if (!shouldRetry(failure)) throw failure;
      } catch (error) {
        if (!(error instanceof TesseraApiError)) throw error;
        if (!shouldRetry(error)) throw error;
        failure = error;
      }
      if (attempt >= maxRetries) throw failure;
      await sleep(retryAfterMs ?? this.#backoff(attempt));
    }
  }

  async #attempt(
    request: ApiRequest<z.ZodMiniType | undefined>,
    authorization: string | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.#options.userAgent,
      ...request.headers,
    };
    if (authorization) headers.authorization = authorization;
    let body: string | undefined;
    if (request.body instanceof URLSearchParams) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = request.body.toString();
    } else if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs);
    try {
      const response = await this.#options.fetch(request.url, {
        method: request.method,
        headers,
        body,
        signal: controller.signal,
        redirect: 'error',
      });
      // The body is read under the same timer: a server that stalls mid-answer is a timeout too.
      const text = await response.text();
      return new Response(response.status === 204 || text === '' ? null : text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      const timedOut = controller.signal.aborted;
      throw new TesseraApiError({
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut
          ? `${request.method} ${request.url} got no answer within ${this.#options.timeoutMs} ms.`
          : `${request.method} ${request.url} failed: ${(error as Error).message}`,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async #read(response: Response, schema: z.ZodMiniType | undefined): Promise<unknown> {
    const text = await response.text();
    const requestId = response.headers.get('x-request-id') ?? undefined;
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new TesseraApiError({
          code: 'schema_mismatch',
          message: 'The answer is not JSON.',
          status: response.status,
          requestId,
          cause,
        });
      }
    }
    if (!schema) return body;
    const checked = schema.safeParse(body);
    if (!checked.success) {
      throw new TesseraApiError({
        code: 'schema_mismatch',
        message: `The answer does not match the v1 contract: ${checked.error.issues
          .slice(0, 3)
          .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
          .join('; ')}`,
        status: response.status,
        requestId,
      });
    }
    return checked.data;
  }

  /** Exponential with "equal jitter": between half and all of the step, so retries spread out. */
  #backoff(attempt: number): number {
    const step = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** attempt);
    return step / 2 + Math.random() * (step / 2);
  }
}

/** Network failures and timeouts, and answers the catalogue (or the status) calls temporary. */
function shouldRetry(error: TesseraApiError): boolean {
  if (error.status === 0) return error.code === 'network_error' || error.code === 'timeout';
  if (STALE_TOKEN.has(error.code)) return false;
  return isRetryableCode(error.code) || error.status === 429 || error.status >= 500;
}

/** `Retry-After` in seconds or as an HTTP date, capped so a wrong header cannot stall a caller. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim())
    ? Number(header.trim())
    : (Date.parse(header) - Date.now()) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(Math.max(seconds, 0), 60) * 1000;
}

/** The failure an error answer describes: the error envelope, or OAuth's `{ error }` form. */
export async function errorOf(response: Response): Promise<TesseraApiError> {
  const text = await response.text();
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: unknown } | undefined)?.error;
  if (error && typeof error === 'object') {
    const envelope = error as {
      code?: unknown;
      message?: unknown;
      request_id?: unknown;
      details?: unknown;
    };
    return new TesseraApiError({
      code: typeof envelope.code === 'string' ? envelope.code : fallbackCode(response.status),
      message: typeof envelope.message === 'string' ? envelope.message : response.statusText,
      status: response.status,
      requestId: typeof envelope.request_id === 'string' ? envelope.request_id : requestId,
      details:
        envelope.details && typeof envelope.details === 'object'
          ? (envelope.details as Record<string, unknown>)
          : undefined,
    });
  }
  if (typeof error === 'string') {
    const description = (body as { error_description?: unknown }).error_description;
    return new TesseraApiError({
      code: OAUTH_CODES[error] ?? fallbackCode(response.status),
      message: typeof description === 'string' ? description : error,
      status: response.status,
      requestId,
      details: { oauth_error: error },
    });
  }
  return new TesseraApiError({
    code: fallbackCode(response.status),
    message: `HTTP ${response.status} ${response.statusText}`.trim(),
    status: response.status,
    requestId,
  });
}

/** RFC 6749 §5.2 errors of `POST /oauth/token`, as the catalogue names the same refusals. */
const OAUTH_CODES: Record<string, string> = {
  invalid_client: 'partner_key_invalid',
  unauthorized_client: 'partner_suspended',
  invalid_scope: 'scope_not_granted',
  invalid_request: 'validation_failed',
  unsupported_grant_type: 'validation_failed',
  invalid_grant: 'validation_failed',
  rate_limited: 'rate_limited',
  server_error: 'internal_error',
  temporarily_unavailable: 'service_unavailable',
};

/** A code for an answer without an envelope (a proxy's 502 page, say). */
function fallbackCode(status: number): string {
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 429) return 'rate_limited';
  if (status === 503) return 'service_unavailable';
  if (status >= 500) return 'internal_error';
  return 'validation_failed';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
