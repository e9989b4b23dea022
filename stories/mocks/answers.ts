/**
 * Answers as the core API gives them, each body parsed with its contracts schema first, and the
 * behaviours a story swaps in for the sandbox's own answer.
 */
import { delay, HttpResponse, type JsonBodyType } from 'msw';
import type * as z from 'zod/mini';
import {
  ERROR_CODE_TABLE,
  ERROR_HELP,
  ErrorEnvelope,
  errorEnvelope,
  type ErrorCode,
  type FieldIssue,
} from '../../contracts/index.ts';
import { nextRequestId, onReset } from './log.ts';

// --- answers -----------------------------------------------------------------------------------

/** A resource, parsed with its schema; versioned resources get their `ETag` as the API sends it. */
export function respond<T>(schema: z.ZodMiniType<T>, body: T, status = 200): Response {
  const data = schema.parse(body);
  const version = (data as { version?: unknown }).version;
  return HttpResponse.json(data as JsonBodyType, {
    status,
    headers: {
      'x-request-id': nextRequestId(),
      ...(typeof version === 'number' ? { etag: `"${version}"` } : {}),
    },
  });
}

export interface FailureOptions {
  message?: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The API's error envelope for a catalogued code, with the code's own HTTP status. */
export function failure(code: ErrorCode, options: FailureOptions = {}): Response {
  const body = ErrorEnvelope.parse(
    errorEnvelope(
      code,
      options.message ?? ERROR_HELP[code].meaning,
      nextRequestId(),
      options.details,
    ),
  );
  return HttpResponse.json(body, {
    status: ERROR_CODE_TABLE[code].status ?? 500,
    headers: { 'x-request-id': body.error.request_id, ...options.headers },
  });
}

/** A body that breaks the contract on purpose: it must fail the schema, or the story is wrong. */
export function malformed<T>(schema: z.ZodMiniType<T>, body: unknown): Response {
  if (schema.safeParse(body).success) throw new Error('malformed(): the body is valid after all');
  return HttpResponse.json(body as JsonBodyType, { headers: { 'x-request-id': nextRequestId() } });
}

/** `400 validation_failed` listing each field in `details.fields`, as the API does. */
export function validationFailed(fields: FieldIssue[]): Response {
  return failure('validation_failed', {
    message: `Invalid field${fields.length > 1 ? 's' : ''}: ${fields.map((f) => f.path).join(', ')}.`,
    details: { fields },
  });
}

/** `412 version_conflict` with the version now, as the API answers a stale `If-Match`. */
export function conflict(current: number): Response {
  return failure('version_conflict', {
    message: `The resource is at version ${current}: reload it and apply your change again.`,
    details: { current_version: current },
  });
}

// --- behaviours a story swaps in ----------------------------------------------------------------

/** A resource the mocked API keeps for a story, back to its fixture before every story. */
export class Sandbox<T> {
  value: T;
  constructor(readonly initial: T) {
    this.value = initial;
    onReset(() => {
      this.value = initial;
    });
  }
}

export type Answer<T> = (
  request: Request,
  sandbox: Sandbox<T>,
) => Response | undefined | Promise<Response | undefined>;

/**
 * Answers a request in the sandbox's place, or returns undefined to let the sandbox answer; it may
 * change the sandbox first, as someone else's request would have.
 */
export type Override<T = never> = Answer<T>;

/** Every time. */
export const always =
  <T>(answer: Answer<T>): Override<T> =>
  (request, sandbox) =>
    answer(request, sandbox);

/** The first `n` times in a story; the sandbox answers afterwards. */
export function first<T>(n: number, answer: Answer<T>): Override<T> {
  let count = 0;
  onReset(() => {
    count = 0;
  });
  return (request, sandbox) => (++count <= n ? answer(request, sandbox) : undefined);
}

/** Lets the sandbox answer the first `n` times in a story, then answers instead. */
export function after<T>(n: number, answer: Answer<T>): Override<T> {
  let count = 0;
  onReset(() => {
    count = 0;
  });
  return (request, sandbox) => (++count > n ? answer(request, sandbox) : undefined);
}

/**
 * Someone else saves first, once: the resource changes just before this request reaches the
 * sandbox, which then answers as the API would (a `412` for the now stale `If-Match`).
 */
export function elsewhere<T>(change: (current: T) => T): Override<T> {
  return first(1, (_request, sandbox) => {
    sandbox.value = change(sandbox.value);
    return undefined;
  });
}

/** Never answers: the widget stays in its loading or busy state. */
export const hang = (): Promise<Response> => delay('infinite').then(() => HttpResponse.error());
/** The connection fails, as when the network is down. */
export const networkError = (): Response => HttpResponse.error();
