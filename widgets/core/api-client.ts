import ky, { HTTPError, type KyInstance, type Options } from 'ky';
import type * as z from 'zod/mini';
import { WidgetError, toWidgetError } from './errors.ts';
import { tokenScopes, type TokenManager } from './token-manager.ts';

export interface ApiClientOptions {
  /** The core API's base URL, e.g. `https://api.tessera.dev`. */
  apiBase: string;
  tokens: Pick<TokenManager, 'getToken' | 'invalidate'>;
  sessionId: string;
  fetch?: typeof fetch;
  /** Per attempt, until the response headers arrive. */
  timeoutMs?: number;
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

/** The core API client every controller uses: auth, correlation, retries, contract checks. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { apiBase, tokens, sessionId } = options;
  if (!apiBase || !URL.canParse(apiBase)) {
    throw new WidgetError('configuration_invalid', 'apiBase must be an absolute URL.');
  }
  const http: KyInstance = ky.create({
    prefixUrl: apiBase,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    throwHttpErrors: true,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: { 'x-tessera-session': sessionId, accept: 'application/json' },
  });

  async function attempt(call: Call, token: string, ids: string[]): Promise<Response> {
    // A mutation is repeated only under its Idempotency-Key: the server then does it once.
    const retryable = call.method === 'get' || call.idempotencyKey !== undefined;
    const request: Options = {
      method: call.method,
      headers: {
        ...call.headers,
        authorization: `Bearer ${token}`,
        ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
        ...(call.ifMatch ? { 'if-match': call.ifMatch } : {}),
      },
      ...(call.body !== undefined ? { json: call.body } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
      retry: {
        limit: RETRY_LIMIT,
        methods: retryable ? [call.method] : [],
        statusCodes: [408, 429, 500, 502, 503, 504],
        afterStatusCodes: [429, 503],
        maxRetryAfter: MAX_RETRY_AFTER_MS,
        backoffLimit: BACKOFF_LIMIT_MS,
        jitter: (delay) => delay * (0.75 + 0.5 * Math.random()),
      },
      hooks: {
        beforeRequest: [
          (req) => {
            // Every attempt is its own request in the logs; the last id is the one reported.
            const id = crypto.randomUUID();
            ids.push(id);
            req.headers.set('x-request-id', id);
          },
        ],
      },
    };
    return http(call.path.replace(/^\//, ''), request);
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
        if (!(error instanceof HTTPError)) throw toWidgetError(error, context());
        const status = error.response.status;
        const requestId = error.response.headers.get('x-request-id') ?? ids.at(-1);
        const body = await readJson(error.response).catch(() => undefined);
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
      return { data: parsed.data, etag: response.headers.get('etag') ?? undefined, requestId };
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
