import type { Context } from 'hono';
import type { TesseraError } from '../../contracts/index.ts';

/** What every id we issue looks like (`ptn_…`, `qt_…`); a path segment that does not names nothing. */
const ID = /^[A-Za-z0-9_]{1,64}$/;

/**
 * The `:id` path parameter, or `missing` thrown when it cannot be an id of ours: a NUL, a stray
 * `%` or 5 000 characters never reach the database.
 */
export function pathId(c: Context, missing: () => TesseraError): string {
  const id = c.req.param('id') ?? '';
  if (!ID.test(id)) throw missing();
  return id;
}
