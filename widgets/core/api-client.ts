import type * as z from 'zod/mini';
import { WidgetError, toWidgetError } from './errors.ts';
import type { DpopKey } from './dpop.ts';
import { tokenJkt, tokenScopes, type TokenManager } from './token-manager.ts';

export interface ApiClientOptions {
  /** The core API's base URL, e.g. `https://api.tessera.dev`. */
  apiBase: string;
  tokens: Pick<TokenManager, 'getToken' | 'invalidate'>;
  sessionId: string;
  fetch?: typeof fetch;
  /** Per attempt, until the response headers arrive. */
  timeoutMs?: number;
  /** The page's DPoP key: a token bound to it is sent with the DPoP scheme and a proof per attempt. */
  dpopKey?: Promise<DpopKey | undefined>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Extra headers for this call, e.g. `Tessera-Simulate` in a sandbox. */
  headers?: Record<string, string>;
}

export interface MutationOptions extends RequestOptions {
  /** One key per user action, made by the caller and passed again on its retries. */
  idempotencyKey: string;
  /** The `ETag` read, so a change made meanwhile is refused instead of overwritten. */
  ifMatch?: string;
}

export interface ApiResponse<T> {
  data: T;
  etag: string | undefined;
  requestId: string | undefined;
  /**
   * The event a mutation wrote (`Tessera-Event-Id`), the id the partner's webhook and event feed
   * carry; null when the answer names none (a read, or a change that wrote no event).
   */
  eventId: string | null;
}

export interface ApiClient {
  readonly sessionId: string;
  /** The scopes of the token in use (fetching one if needed), to shape the UI; the API decides. */
  scopes(): Promise<readonly string[] | undefined>;
  get<T>(path: string, schema: z.ZodMiniType<T>, options?: RequestOptions): Promise<ApiResponse<T>>;
  post<T>(
    path: string,
    body: unknown,
    schema: z.ZodMiniType<T>,
    options: MutationOptions,
  ): Promise<ApiResponse<T>>;
  patch<T>(
    path: string,
    body: unknown,
    schema: z.ZodMiniType<T>,
    options: MutationOptions,
  ): Promise<ApiResponse<T>>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const RETRY_LIMIT = 2;
/** A `Retry-After` longer than this is cut short: a widget should not look dead for minutes. */
const MAX_RETRY_AFTER_MS = 10_000;
const BACKOFF_LIMIT_MS = 3_000;
const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];
/** The statuses whose "come back later" header is honoured instead of the backoff. */
const RETRY_AFTER_STATUSES = [429, 503];
/** Where servers say when to come back: the standard header first, then common variants. */
const RETRY_AFTER_HEADERS = [
  'retry-after',
  'ratelimit-reset',
  'x-ratelimit-retry-after',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
];
/** A `Retry-After` in seconds this large is a Unix timestamp, not a delay. */
const TIMESTAMP_FLOOR_MS = Date.parse('2024-01-01');

type Method = 'get' | 'post' | 'patch';

interface Call {
  method: Method;
  path: string;
  body?: unknown;
  idempotencyKey?: string | undefined;
  ifMatch?: string | undefined;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string> | undefined;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** How long the server asked us to wait (seconds, a date or a Unix time), capped; else undefined. */
function retryAfterMs(headers: Headers): number | undefined {
  const value = RETRY_AFTER_HEADERS.map((name) => headers.get(name)).find((v) => v !== null);
  if (!value) return undefined;
  let after = Number(value) * 1000;
  if (Number.isNaN(after)) after = Date.parse(value) - Date.now();
  else if (after >= TIMESTAMP_FLOOR_MS) after -= Date.now();
  return after < MAX_RETRY_AFTER_MS ? after : MAX_RETRY_AFTER_MS;
}

/** Exponential backoff from 300 ms, ±25 % so many widgets do not retry in step, capped. */
function backoffMs(retry: number): number {
  const delay = 300 * 2 ** (retry - 1);
  return Math.min(BACKOFF_LIMIT_MS, delay * (0.75 + 0.5 * Math.random()));
}

/** Waits between attempts; the caller's abort ends the wait with the abort's reason. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const abort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/**
 * The core API client every controller uses: auth, correlation, retries, contract checks.
 *
 * A plain `fetch` wrapper rather than `ky`, keeping the behaviour we used of it (prefix URL,
 * timeout per attempt, its retry rules, a request id per attempt): ky costs 4.8 KB gzip, and
 * this wrapper took the quote built alone from 29.5 to 25.6 KB gzip (`npm run bench:bundle`).
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { apiBase, tokens, sessionId } = options;
  if (!apiBase || !URL.canParse(apiBase)) {
    throw new WidgetError('configuration_invalid', 'apiBase must be an absolute URL.');
  }
  const prefix = apiBase.endsWith('/') ? apiBase : `${apiBase}/`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));

  /** One request, given up (`TimeoutError`) when its headers take longer than the timeout. */
  async function once(call: Call, token: string, ids: string[]): Promise<Response> {
    const method = call.method.toUpperCase();
    const url = prefix + call.path.replace(/^\//, '');
    const headers = new Headers({ 'x-tessera-session': sessionId, accept: 'application/json' });
    // A token bound to this page's key goes with the DPoP scheme and a fresh proof per attempt.
    const key = tokenJkt(token) ? await options.dpopKey : undefined;
    if (key) headers.set('dpop', await key.proof(method, url, token));
    for (const [name, value] of Object.entries({
      ...call.headers,
      authorization: `${key ? 'DPoP' : 'Bearer'} ${token}`,
      ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
      ...(call.ifMatch ? { 'if-match': call.ifMatch } : {}),
    })) {
      headers.set(name, value);
    }
    if (call.body !== undefined && !headers.has('content-type')) {
      headers.set('content-type', 'application/json');
    }
    // Every attempt is its own request in the logs; the last id is the one reported.
    const id = crypto.randomUUID();
    ids.push(id);
    headers.set('x-request-id', id);
    const controller = new AbortController();
    const abort = () => controller.abort(call.signal?.reason);
    if (call.signal?.aborted) abort();
    call.signal?.addEventListener('abort', abort, { once: true });
    const request = new Request(url, {
      method,
      headers,
      signal: controller.signal,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        const error = new Error(`Request timed out: ${method} ${url}`);
        error.name = 'TimeoutError';
        reject(error);
      }, timeoutMs);
    });
    return Promise.race([fetchImpl(request), timeout]).finally(() => {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', abort);
    });
  }

  /**
   * The call with its retries: network failures and 408/429/5xx, at most twice, after the
   * server's `Retry-After` (429, 503) or a backoff. Timeouts are not retried. Resolves with the
   * last response, successful or not.
   */
  async function attempt(call: Call, token: string, ids: string[]): Promise<Response> {
    // A mutation is repeated only under its Idempotency-Key: the server then does it once.
    const retryable = call.method === 'get' || call.idempotencyKey !== undefined;
    for (let retry = 1; ; retry++) {
      let response: Response | undefined;
      try {
        response = await once(call, token, ids);
        if (response.ok) return response;
      } catch (error) {
        const timedOut = error instanceof Error && error.name === 'TimeoutError';
        if (!retryable || retry > RETRY_LIMIT || timedOut) {
          throw error;
        }
      }
      if (response) {
        if (!retryable || retry > RETRY_LIMIT || !RETRY_STATUSES.includes(response.status)) {
          return response;
        }
        void response.body?.cancel().catch(() => undefined);
      }
      const after =
        response && RETRY_AFTER_STATUSES.includes(response.status)
          ? retryAfterMs(response.headers)
          : undefined;
      await sleep(after ?? backoffMs(retry), call.signal);
    }
  }

  async function send<T>(call: Call, schema: z.ZodMiniType<T>): Promise<ApiResponse<T>> {
    const ids: string[] = [];
    const context = () => ({ sessionId, requestId: ids.at(-1) });
    let refreshed = false;
    for (;;) {
      let token: string;
      try {
        token = await tokens.getToken();
      } catch (error) {
        throw toWidgetError(error, { sessionId });
      }
      let response: Response;
      try {
        response = await attempt(call, token, ids);
      } catch (error) {
        throw toWidgetError(error, context());
      }
      if (!response.ok) {
        const status = response.status;
        const requestId = response.headers.get('x-request-id') ?? ids.at(-1);
        const body = await readJson(response).catch(() => undefined);
        const failure = toWidgetError(body, { sessionId, requestId, status });
        if (failure.code === 'token_expired' && !refreshed) {
          // Refresh once and try once more; a second expiry is reported, not looped on.
          refreshed = true;
          tokens.invalidate(token);
          continue;
        }
        throw failure;
      }
      const requestId = response.headers.get('x-request-id') ?? ids.at(-1);
      let json: unknown;
      try {
        json = await readJson(response);
      } catch (error) {
        throw toWidgetError(error, { ...context(), requestId });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        throw new WidgetError('schema_mismatch', undefined, {
          sessionId,
          requestId,
          status: response.status,
          details: { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
        });
      }
      return {
        data: parsed.data,
        etag: response.headers.get('etag') ?? undefined,
        requestId,
        eventId: response.headers.get('tessera-event-id'),
      };
    }
  }

  function mutation(method: 'post' | 'patch') {
    return <T>(path: string, body: unknown, schema: z.ZodMiniType<T>, opts: MutationOptions) => {
      if (!opts.idempotencyKey) {
        return Promise.reject(
          new WidgetError(
            'configuration_invalid',
            `${method.toUpperCase()} needs an idempotencyKey.`,
          ),
        );
      }
      return send({ method, path, body, ...opts }, schema);
    };
  }

  return {
    sessionId,
    scopes: async () => tokenScopes(await tokens.getToken()),
    get: (path, schema, opts = {}) => send({ method: 'get', path, ...opts }, schema),
    post: mutation('post'),
    patch: mutation('patch'),
  };
}
