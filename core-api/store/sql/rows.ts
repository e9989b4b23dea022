import { TesseraError } from '../../../contracts/index.ts';
import type { Db } from '../../../service-kit/db/db.ts';

// Rows come as the drivers return them: timestamptz as Date, jsonb parsed, int8 as number. The
// mappers copy field by field, turn Dates into ISO strings and leave empty optional fields out
// (the contracts have them optional, not nullable), so a row is the API's answer as is.

/**
 * jsonb keeps keys sorted by length, not as written: `{"city", "line1", "country", …}`. Put them
 * back in the contract's order (unknown keys last) so responses read like the documentation.
 */
export function ordered<T extends object>(value: T, keys: readonly string[]): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (key in source) out[key] = source[key];
  for (const key of Object.keys(source)) if (!(key in out)) out[key] = source[key];
  return out as T;
}

export function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** json(b) goes as text: node-postgres would turn a JS array into a PostgreSQL array. */
export function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export const lock = (forUpdate: boolean | undefined) => (forUpdate ? ' FOR UPDATE' : '');

/**
 * An update that matched no row: either the row is gone or someone else bumped its version
 * (a caller that read without `forUpdate`). Never silently lose the other writer's change.
 */
export async function updateMissed(
  db: Db,
  table: string,
  id: string,
  version: number,
): Promise<never> {
  const rows = await db.query<{ version: number }>(`SELECT version FROM ${table} WHERE id = $1`, [
    id,
  ]);
  const current = rows[0]?.version;
  if (current === undefined) throw new TesseraError('not_found', `${id} does not exist`);
  throw new TesseraError(
    'version_conflict',
    `${id} is at version ${current}; an update to version ${version} is stale`,
    { current_version: current },
  );
}
