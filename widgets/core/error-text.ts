import { ERROR_CODE_TABLE, type ErrorCode } from '../../contracts/v1/errors.ts';
import type { CommonId } from './locales/en.ts';

/** Codes whose customer-facing text is their own; the rest go by HTTP status below. */
const BY_CODE: Partial<Record<ErrorCode, CommonId>> = {
  network_error: 'error.network',
  timeout: 'error.timeout',
  schema_mismatch: 'error.schemaMismatch',
  token_fetch_failed: 'error.session',
  configuration_invalid: 'error.configuration',
  partner_suspended: 'error.suspended',
  origin_not_allowed: 'error.configuration',
  origin_mismatch: 'error.configuration',
  rate_limited: 'error.rateLimited',
};

const BY_STATUS: Record<number, CommonId> = {
  401: 'error.session',
  403: 'error.forbidden',
  404: 'error.notFound',
  409: 'error.conflict',
  412: 'error.conflict',
  429: 'error.rateLimited',
};

/**
 * The message id that tells a customer what an error means, in their language. The error's own
 * `message` (English, for developers) stays in the `tessera-error` detail.
 */
export function errorMessageId(code: ErrorCode): CommonId {
  const own = BY_CODE[code];
  if (own) return own;
  const status = ERROR_CODE_TABLE[code].status;
  if (typeof status === 'number' && status >= 500) return 'error.server';
  return (typeof status === 'number' && BY_STATUS[status]) || 'error.generic';
}
