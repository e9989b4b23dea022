import type { Db } from '../../../service-kit/db/db.ts';
import type { IdempotencyRecord } from '../types.ts';
import { iso, json } from './rows.ts';

const IDEMPOTENCY_COLUMNS = 'partner_id, key, fingerprint, status, body, headers, created_at';

interface IdempotencyRow {
  partner_id: string;
  key: string;
  fingerprint: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  created_at: Date;
}

function toIdempotency(r: IdempotencyRow): IdempotencyRecord {
  return {
    partner_id: r.partner_id,
    key: r.key,
    fingerprint: r.fingerprint,
    status: r.status,
    body: r.body,
    headers: r.headers,
    created_at: iso(r.created_at),
  };
}

export async function getIdempotency(
  db: Db,
  partnerId: string,
  key: string,
): Promise<IdempotencyRecord | null> {
  const rows = await db.query<IdempotencyRow>(
    `SELECT ${IDEMPOTENCY_COLUMNS} FROM idempotency_keys WHERE partner_id = $1 AND key = $2`,
    [partnerId, key],
  );
  return rows[0] ? toIdempotency(rows[0]) : null;
}

export async function putIdempotency(db: Db, r: IdempotencyRecord): Promise<boolean> {
  // A concurrent twin with the same key waits here for the first to commit, then inserts nothing.
  const rows = await db.query(
    `INSERT INTO idempotency_keys (${IDEMPOTENCY_COLUMNS})
     VALUES ($1, $2, $3, $4, $5::json, $6::json, $7::timestamptz)
     ON CONFLICT (partner_id, key) DO NOTHING RETURNING 1`,
    [r.partner_id, r.key, r.fingerprint, r.status, json(r.body), json(r.headers), r.created_at],
  );
  return rows.length > 0;
}

export async function pruneIdempotency(db: Db, before: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH deleted AS (DELETE FROM idempotency_keys WHERE created_at < $1::timestamptz RETURNING 1)
     SELECT count(*)::integer AS n FROM deleted`,
    [before],
  );
  return rows[0]?.n ?? 0;
}
