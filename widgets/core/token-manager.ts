import type { DpopKey } from './dpop.ts';
import { systemClock, type Clock, type TimerHandle } from './clock.ts';
import { WidgetError } from './errors.ts';

export interface FetchTokenRequest {
  /** The widget session id; the partner's backend forwards it as `correlation_id`. */
  sessionId: string;
  /** The DPoP key thumbprint to bind the token to, when the widget uses DPoP. */
  dpopJkt?: string;
}

export type FetchTokenResult =
  { token: string; expires_at: string } | { token: string; expires_in: number };

/** The partner's function: asks its own backend, which asks the token service with its secret. */
export type FetchToken = (request: FetchTokenRequest) => Promise<FetchTokenResult>;

export interface TokenManagerOptions {
  fetchToken: FetchToken;
  sessionId: string;
  dpopJkt?: string;
  /** The page's DPoP key: its thumbprint goes to `fetchToken` (awaited on each fetch). */
  dpopKey?: Promise<DpopKey | undefined>;
  clock?: Clock;
  /** Returns [0, 1); injected by tests to pin the jitter. */
  random?: () => number;
  /** A `fetchToken` that has not settled after this long counts as failed. */
  fetchTimeoutMs?: number;
  /** A token the page was rendered with, used before any fetch (see `InitialToken`). */
  initialToken?: InitialToken | undefined;
}

/**
 * The first token, handed over by a server-rendered page so the widget asks for data at once: a
 * JWT (valid until its `exp`) or what `fetchToken` answers. Ignored when its end is unknown or
 * past, or when it is bound to a DPoP key (the page's key does not exist before the page runs):
 * then the widget fetches one as usual.
 */
export type InitialToken = string | FetchTokenResult;

/** Refresh at 80 % of the lifetime, minus up to 10 % jitter, so many tabs do not refresh at once. */
const REFRESH_AT = 0.8;
const REFRESH_JITTER = 0.1;
/** A token this close to its end is not handed out: the request would arrive with it expired. */
const EXPIRY_MARGIN_MS = 2_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;
const DEFAULT_FETCH_TIMEOUT_MS = 15_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** The token's lifetime: `expires_in`, else the JWT's own `exp − iat` (immune to clock skew), else `expires_at`. */
function lifetimeMs(result: FetchTokenResult, now: number): number | undefined {
  if ('expires_in' in result && typeof result.expires_in === 'number') {
    return result.expires_in * 1000;
  }
  const claims = jwtTimes(result.token);
  if (claims) return (claims.exp - claims.iat) * 1000;
  if ('expires_at' in result && typeof result.expires_at === 'string') {
    const at = Date.parse(result.expires_at);
    return Number.isNaN(at) ? undefined : at - now;
  }
  return undefined;
}

/** A JWT's payload, read without verifying it: only for what the UI shows, never for trust. */
export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof json === 'object' && json !== null
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function jwtTimes(token: string): { iat: number; exp: number } | undefined {
  const { iat, exp } = jwtPayload(token) ?? {};
  return typeof iat === 'number' && typeof exp === 'number' && exp > iat ? { iat, exp } : undefined;
}

/**
 * The scopes a token grants, so a widget can show a read-only view instead of offering buttons
 * the core API would refuse. The API still decides: this only shapes the UI. `undefined` when the
 * token does not say (not a JWT): then the widget offers everything and lets the API answer.
 */
/** The key thumbprint a DPoP-bound token is bound to (`cnf.jkt`), if it is bound. */
export function tokenJkt(token: string): string | undefined {
  const cnf = jwtPayload(token)?.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === 'string' ? jkt : undefined;
}

export function tokenScopes(token: string): readonly string[] | undefined {
  const scope = jwtPayload(token)?.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : undefined;
}

/**
 * One configuration's widget token: fetched lazily, kept in memory only, refreshed ahead of
 * expiry, and never fetched twice at once, however many widgets ask.
 */
export class TokenManager {
  declare readonly sessionId: string;
  readonly #fetchToken: FetchToken;
  readonly #dpopJkt: string | undefined;
  readonly #dpopKey: Promise<DpopKey | undefined> | undefined;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #fetchTimeoutMs: number;
  #cached: CachedToken | undefined;
  #inFlight: Promise<string> | undefined;
  #timer: TimerHandle | undefined;
  #failures = 0;
  #disposed = false;

  constructor(options: TokenManagerOptions) {
    if (typeof options.fetchToken !== 'function') {
      throw new WidgetError('configuration_invalid', 'fetchToken must be a function.');
    }
    this.sessionId = options.sessionId;
    this.#fetchToken = options.fetchToken;
    this.#dpopJkt = options.dpopJkt;
    this.#dpopKey = options.dpopKey;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#fetchTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
    if (options.initialToken) this.#adopt(options.initialToken);
  }

  /** Caches a handed-over token until its end, with the refresh scheduled as for a fetched one. */
  #adopt(initial: InitialToken): void {
    const result = typeof initial === 'string' ? { token: initial } : initial;
    if (typeof result.token !== 'string' || !result.token || tokenJkt(result.token)) return;
    const now = this.#clock.now();
    // Its end as an instant: the page may have been rendered a while ago.
    const exp = jwtPayload(result.token)?.exp;
    const expiresAt =
      'expires_in' in result && typeof result.expires_in === 'number'
        ? now + result.expires_in * 1000
        : 'expires_at' in result && typeof result.expires_at === 'string'
          ? Date.parse(result.expires_at)
          : typeof exp === 'number'
            ? exp * 1000
            : NaN;
    if (!(expiresAt - EXPIRY_MARGIN_MS > now)) return;
    this.#cached = { token: result.token, expiresAt };
    this.#schedule((expiresAt - now) * REFRESH_AT * (1 - REFRESH_JITTER * this.#random()));
  }

  /** A token valid for at least a moment longer; concurrent callers share one fetch. */
  getToken(): Promise<string> {
    if (this.#disposed) {
      return Promise.reject(new WidgetError('configuration_invalid', 'The widget was disposed.'));
    }
    const cached = this.#cached;
    if (cached && this.#clock.now() < cached.expiresAt - EXPIRY_MARGIN_MS) {
      return Promise.resolve(cached.token);
    }
    return this.#refresh();
  }

  /** Forgets the token the API called expired; the next `getToken()` fetches a new one. */
  invalidate(token?: string): void {
    // A late 401 for a token already replaced must not throw the new one away.
    if (token !== undefined && this.#cached?.token !== token) return;
    this.#cached = undefined;
  }

  /** Stops the refresh timer and forgets the token; the manager answers nothing afterwards. */
  dispose(): void {
    this.#disposed = true;
    this.#cancelTimer();
    this.#cached = undefined;
  }

  #refresh(): Promise<string> {
    this.#inFlight ??= this.#fetch().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #fetch(): Promise<string> {
    this.#cancelTimer();
    // Awaited only when there is a key to wait for: without one the fetch starts at once.
    const dpopJkt = this.#dpopJkt ?? (this.#dpopKey ? (await this.#dpopKey)?.jkt : undefined);
    const request: FetchTokenRequest = {
      sessionId: this.sessionId,
      ...(dpopJkt ? { dpopJkt } : {}),
    };
    let result: FetchTokenResult;
    try {
      result = await this.#withTimeout(Promise.resolve().then(() => this.#fetchToken(request)));
    } catch (error) {
      throw this.#failed(error instanceof Error ? error.message : undefined, error);
    }
    const now = this.#clock.now();
    const lifetime =
      typeof result === 'object' && result !== null && typeof result.token === 'string'
        ? lifetimeMs(result, now)
        : undefined;
    if (!result?.token || lifetime === undefined || lifetime <= 0) {
      throw this.#failed('fetchToken returned no token, or no valid expires_at / expires_in.');
    }
    if (this.#disposed) return result.token;
    this.#failures = 0;
    this.#cached = { token: result.token, expiresAt: now + lifetime };
    const jitter = 1 - REFRESH_JITTER * this.#random();
    this.#schedule(lifetime * REFRESH_AT * jitter);
    return result.token;
  }

  #failed(message: string | undefined, cause?: unknown): WidgetError {
    this.#failures += 1;
    // Retry on our own only while a token is still valid: then a refresh is worth keeping up.
    const cached = this.#cached;
    if (cached && !this.#disposed) {
      const remaining = cached.expiresAt - EXPIRY_MARGIN_MS - this.#clock.now();
      if (remaining > 0) this.#schedule(Math.min(this.backoffMs(this.#failures), remaining));
    }
    return new WidgetError('token_fetch_failed', message, {
      sessionId: this.sessionId,
      cause,
      details: { failures: this.#failures },
    });
  }

  /** Exponential backoff with jitter, capped: 1 s, 2 s, 4 s … 30 s, each up to a quarter less. */
  backoffMs(failures: number): number {
    const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
    return exponential * (1 - 0.25 * this.#random());
  }

  #schedule(ms: number): void {
    this.#cancelTimer();
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      // A failed automatic refresh has already scheduled its own next attempt.
      this.#refresh().catch(() => undefined);
    }, ms);
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.#clock.setTimeout(
        () => reject(new Error(`fetchToken did not settle within ${this.#fetchTimeoutMs} ms.`)),
        this.#fetchTimeoutMs,
      );
      void promise.then(resolve, reject).finally(() => this.#clock.clearTimeout(timer));
    });
  }
}

/**
 * The declarative `token-url`: POSTs `{ session_id }` to the partner's own endpoint, with its
 * cookies (the partner authenticates its user), and expects `{ token, expires_at }`.
 */
export function fetchTokenFromUrl(
  url: string,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
): FetchToken {
  return async ({ sessionId, dpopJkt }) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ session_id: sessionId, ...(dpopJkt ? { dpop_jkt: dpopJkt } : {}) }),
    });
    if (!response.ok) throw new Error(`The token URL answered ${response.status}.`);
    const body = (await response.json()) as Partial<{ token: unknown; expires_at: unknown }>;
    if (typeof body.token !== 'string' || typeof body.expires_at !== 'string') {
      throw new Error('The token URL answered without token and expires_at.');
    }
    return { token: body.token, expires_at: body.expires_at };
  };
}
