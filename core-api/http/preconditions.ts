import type { Context } from 'hono';
import { TesseraError, versionEtag } from '../../contracts/index.ts';

/** `ETag` for a version: strong, quoted. `If-Match` accepts it, its weak form, or `*`. */
export const etag = versionEtag;

/**
 * The version `If-Match` names (RFC 9110 §13.1.1), or undefined when it is absent or `*`; absent
 * on an update that requires it is `428 precondition_required`.
 */
export function ifMatch(c: Context, required: boolean): number | undefined {
  const header = c.req.header('if-match');
  if (!header || header.trim() === '*') {
    if (required)
      throw new TesseraError(
        'precondition_required',
        "Send the ETag you read as `If-Match`; updates without it could overwrite someone else's.",
      );
    return undefined;
  }
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match)
    throw new TesseraError(
      'validation_failed',
      '`If-Match` must be an ETag this API gave out, such as "3".',
      {
        fields: [{ path: 'If-Match', code: 'invalid_format', message: 'not an ETag of this API' }],
      },
    );
  return Number(match[1]);
}
