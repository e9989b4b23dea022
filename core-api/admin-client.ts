import { ErrorEnvelope, TesseraError } from '../contracts/index.ts';
import { readLiveAdvert } from '../service-kit/lock.ts';
import { readAdminToken } from '../service-kit/stack.ts';
import type { CoreApiConfig } from './config.ts';
import { coreAdvertPath } from './state.ts';

/** Calls one of the running core API's admin routes (`/admin/v1…`); refusals as TesseraErrors. */
export type CoreAdminCall = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

/**
 * The running core API's admin routes when it holds the embedded database (one process's: the
 * CLI must not open it beside it), else null and the CLI opens the store itself. On PostgreSQL
 * every process may open the store, so the CLI always does.
 */
export async function runningCoreAdmin(config: CoreApiConfig): Promise<CoreAdminCall | null> {
  if (config.databaseUrl) return null;
  const advert = await readLiveAdvert(coreAdvertPath(config.dataDir));
  if (!advert) return null;
  const token = await readAdminToken({ adminToken: config.adminToken, dataDir: config.dataDir });
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${advert.url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer: unknown = await response.json();
    if (response.ok) return answer as T;
    const envelope = ErrorEnvelope.safeParse(answer);
    throw envelope.success
      ? new TesseraError(
          envelope.data.error.code,
          envelope.data.error.message,
          envelope.data.error.details,
        )
      : new TesseraError('internal_error', `The core API answered ${response.status}.`);
  };
}
