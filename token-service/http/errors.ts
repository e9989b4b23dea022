import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type * as z from 'zod/mini';
import {
  ERROR_CATALOGUE,
  TesseraError,
  errorEnvelope,
  fieldIssues,
  type ErrorCode,
} from '../../contracts/index.ts';

export const MAX_BODY_BYTES = 16 * 1024;
/** Fatal: invalid UTF-8 is a client error (`invalid_json`), not something to guess at. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

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

/**
 * Reads a JSON body and validates it against a contracts schema. Every way a client can get this
 * wrong ends as a catalogued 4xx naming the field, never an exception escaping as a 500.
 */
export async function readJson<S extends z.ZodMiniType>(
  c: Context,
  schema: S,
): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new TesseraError(
      'unsupported_media_type',
      'Send the body as JSON with `Content-Type: application/json`.',
    );
  }
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge();
  const buffer = await c.req.arrayBuffer();
  if (buffer.byteLength > MAX_BODY_BYTES) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(buffer));
  } catch {
    throw new TesseraError('invalid_json', 'The body is not valid UTF-8 JSON.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = fieldIssues(parsed.error.issues);
    const names = fields.map((field) => field.path || '(body)').join(', ');
    throw new TesseraError(
      'validation_failed',
      `Invalid field${fields.length > 1 ? 's' : ''}: ${names}.`,
      { fields },
    );
  }
  return parsed.data;
}

function tooLarge() {
  return new TesseraError('body_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes.`, {
    max_bytes: MAX_BODY_BYTES,
  });
}

/** Bearer credential from `Authorization`, or undefined. */
export function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** Constant-time comparison of a presented credential with the admin token. */
export function isAdmin(credential: string | undefined, adminToken: string): boolean {
  if (!credential) return false;
  const a = Buffer.from(credential);
  const b = Buffer.from(adminToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
