import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TesseraError, isHeaderId, type ErrorCode } from '../../contracts/index.ts';
import type { Logger } from '../log.ts';
import type { RateDecision } from '../rate-limit.ts';
import { requestIdOf, sendError } from './errors.ts';

/**
 * The plumbing every Tessera HTTP service shares (the token service and the core API): request
 * ids, one access-log line per request, request metrics, and errors always as the envelope.
 */

/** One registry per service instance, so two instances in one test process do not collide. */
export function createHttpMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    refusals: new Counter({
      name: 'tessera_refusals_total',
      help: 'Requests refused, by error code.',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'HTTP request latency by route and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
  };
}
export type HttpMetrics = ReturnType<typeof createHttpMetrics>;

/** Variables the shared middleware reads and sets; services extend them. */
export type CommonVariables = {
  /** The id answered in `X-Request-Id`: the caller's when it sent a safe one, else `serverRequestId`. */
  requestId: string;
  /** Generated here for every request, whatever the caller sent: what the server's own records key on. */
  serverRequestId: string;
  /** The caller's `X-Request-Id`, when it sent a safe one. */
  callerRequestId?: string;
  errorCode?: ErrorCode;
  partnerId?: string;
  /** Extra fields for the access-log line (and its message), set by a handler. */
  logFields?: Record<string, unknown>;
  logMessage?: string;
};

export function instrument<E extends { Variables: CommonVariables }>(
  app: Hono<E>,
  log: Logger,
  metrics: HttpMetrics,
): void {
  // Request id in (when well-formed), echoed out, on every log line; then one access-log line.
  app.use(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const serverRequestId = randomUUID();
    const requestId = isHeaderId(incoming) ? incoming : serverRequestId;
    c.set('requestId', requestId);
    c.set('serverRequestId', serverRequestId);
    if (requestId !== serverRequestId) c.set('callerRequestId', requestId);
    c.header('X-Request-Id', requestId);
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.req.routePath || 'unmatched';
    metrics.latency.observe({ route, method: c.req.method, status: String(c.res.status) }, seconds);
    const code = c.get('errorCode');
    if (code) metrics.refusals.inc({ code });
    const fields: Record<string, unknown> = {
      request_id: requestId,
      ...(requestId === serverRequestId ? {} : { server_request_id: serverRequestId }),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(seconds * 1e4) / 10,
      partner_id: c.get('partnerId'),
      code,
      ...c.get('logFields'),
    };
    const message: string = c.get('logMessage') ?? 'request';
    log.info(fields, message);
  });

  app.onError((error, c) => {
    if (error instanceof TesseraError)
      return sendError(c, error.code, error.message, error.details);
    log.error({ request_id: requestIdOf(c), err: error }, 'unhandled error');
    return sendError(c, 'internal_error');
  });
  app.notFound((c) => sendError(c, 'not_found', `Nothing at ${c.req.method} ${c.req.path}.`));
}

/** `RateLimit-*` headers for a decision, and the refusal when it is one. */
export function applyRateLimit(
  c: { header(name: string, value: string): void },
  rate: RateDecision,
  what: string,
): void {
  c.header('RateLimit-Limit', String(rate.limit));
  c.header('RateLimit-Remaining', String(rate.remaining));
  c.header('RateLimit-Reset', String(rate.resetSec));
  if (!rate.allowed) {
    c.header('Retry-After', String(rate.resetSec));
    throw new TesseraError('rate_limited', `${what} exceeded; retry after ${rate.resetSec} s.`, {
      retry_after_seconds: rate.resetSec,
    });
  }
}
