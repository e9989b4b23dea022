import * as z from 'zod/mini';

/**
 * Ids a client chooses and sends in headers (`X-Request-Id`, `X-Tessera-Session`, a token
 * request's `correlation_id`) and `Idempotency-Key`. They end up in logs, events and echoed
 * headers, so only characters that need no escaping anywhere are taken: letters, digits, `. _ : -`.
 * An id that does not match is never echoed or stored; a server makes up its own instead.
 */
export const HEADER_ID_MAX_LENGTH = 128;
/** Longer than a header id: clients often build keys from several ids joined together. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** A request, session or correlation id: 1–128 of `A–Z a–z 0–9 . _ : -`. */
export const HEADER_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** An `Idempotency-Key`: 1–255 of `A–Z a–z 0–9 . _ : -`. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,255}$/;

export const HeaderId = z
  .string()
  .check(
    z.regex(
      HEADER_ID_PATTERN,
      `must be 1–${HEADER_ID_MAX_LENGTH} characters of A–Z, a–z, 0–9, . _ : -`,
    ),
  );
export const IdempotencyKey = z
  .string()
  .check(
    z.regex(
      IDEMPOTENCY_KEY_PATTERN,
      `must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} characters of A–Z, a–z, 0–9, . _ : -`,
    ),
  );

/** Whether a header value (absent as `undefined` or `null`) is a safe request/session/correlation id. */
export function isHeaderId(value: string | null | undefined): value is string {
  return typeof value === 'string' && HEADER_ID_PATTERN.test(value);
}

/** Whether a header value is a well-formed `Idempotency-Key`. */
export function isIdempotencyKey(value: string | null | undefined): value is string {
  return typeof value === 'string' && IDEMPOTENCY_KEY_PATTERN.test(value);
}

/** The values of the sandbox's `Tessera-Simulate` header: each answers as that failure would. */
export const SIMULATIONS = [
  'rate_limited',
  'server_error',
  'slow',
  'token_expired',
  'conflict',
] as const;
export type Simulation = (typeof SIMULATIONS)[number];
