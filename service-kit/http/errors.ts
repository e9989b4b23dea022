import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CATALOGUE, errorEnvelope, type ErrorCode } from '../../contracts/index.ts';

export function requestIdOf(c: Context): string {
  return (c.get('requestId' as never) as string | undefined) ?? 'unknown';
}

/** Answers a catalogued error as the envelope, with the catalogue's status. */
export function sendError(
  c: Context,
  code: ErrorCode,
  message?: string,
  details?: Record<string, unknown>,
): Response {
  c.set('errorCode' as never, code as never);
  const status = (ERROR_CATALOGUE[code].status ?? 500) as ContentfulStatusCode;
  return c.json(
    errorEnvelope(code, message ?? ERROR_CATALOGUE[code].meaning, requestIdOf(c), details),
    status,
  );
}
