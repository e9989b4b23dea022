import type { Db } from '../../../service-kit/db/db.ts';
import type { PartnerKeyRow, PartnerPatch, PartnerRow } from '../types.ts';

// Partners and their secret keys. The mappers copy field by field so that joined or future
// columns never leak into the rows.

const PARTNER_COLUMNS =
  'id, name, mode, origins, scopes, max_ttl_seconds, rate_limit, require_dpop, status, not_before, created_at, updated_at';
const PARTNER_KEY_COLUMNS = 'id, partner_id, prefix, secret_hash, created_at, revoked_at';
function toPartner(r: PartnerRow): PartnerRow {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    origins: r.origins,
    scopes: r.scopes,
    max_ttl_seconds: r.max_ttl_seconds,
    rate_limit: r.rate_limit,
    require_dpop: r.require_dpop,
    status: r.status,
    not_before: r.not_before,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

function toPartnerKey(r: PartnerKeyRow): PartnerKeyRow {
  return {
    id: r.id,
    partner_id: r.partner_id,
    prefix: r.prefix,
    secret_hash: r.secret_hash,
    created_at: r.created_at,
    revoked_at: r.revoked_at,
  };
}

/**
 * How each patchable field is written. Column names come from this fixed table, never from the
 * caller; jsonb goes as text because node-postgres would turn a JS array into a PostgreSQL array.
 */
const PATCH_COLUMNS: {
  [K in keyof Required<PartnerPatch>]: { cast: string; encode?: (v: PartnerPatch[K]) => unknown };
} = {
  name: { cast: 'text' },
  origins: { cast: 'text[]' },
  scopes: { cast: 'text[]' },
  max_ttl_seconds: { cast: 'integer' },
  rate_limit: { cast: 'jsonb', encode: (v) => JSON.stringify(v) },
  require_dpop: { cast: 'boolean' },
  status: { cast: 'text' },
  not_before: { cast: 'timestamptz' },
};

export async function createPartner(db: Db, row: PartnerRow): Promise<void> {
  await db.query(
    `INSERT INTO partners (${PARTNER_COLUMNS})
     VALUES ($1, $2, $3, $4::text[], $5::text[], $6, $7::jsonb, $8, $9, $10::timestamptz, $11::timestamptz, $12::timestamptz)`,
    [
      row.id,
      row.name,
      row.mode,
      row.origins,
      row.scopes,
      row.max_ttl_seconds,
      JSON.stringify(row.rate_limit),
      row.require_dpop,
      row.status,
      row.not_before,
      row.created_at,
      row.updated_at,
    ],
  );
}

export async function getPartner(db: Db, id: string): Promise<PartnerRow | null> {
  const rows = await db.query<PartnerRow>(`SELECT ${PARTNER_COLUMNS} FROM partners WHERE id = $1`, [
    id,
  ]);
  return rows[0] ? toPartner(rows[0]) : null;
}

export async function listPartners(db: Db): Promise<PartnerRow[]> {
  const rows = await db.query<PartnerRow>(
    `SELECT ${PARTNER_COLUMNS} FROM partners ORDER BY created_at, id`,
  );
  return rows.map(toPartner);
}

export async function updatePartner(
  db: Db,
  id: string,
  patch: PartnerPatch,
  now: Date,
): Promise<PartnerRow | null> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  for (const key of Object.keys(PATCH_COLUMNS) as (keyof PartnerPatch)[]) {
    const value = patch[key];
    if (value === undefined) continue;
    const column = PATCH_COLUMNS[key] as { cast: string; encode?: (v: unknown) => unknown };
    params.push(column.encode ? column.encode(value) : value);
    sets.push(`${key} = $${params.length}::${column.cast}`);
  }
  params.push(now);
  sets.push(`updated_at = $${params.length}::timestamptz`);
  const rows = await db.query<PartnerRow>(
    `UPDATE partners SET ${sets.join(', ')} WHERE id = $1 RETURNING ${PARTNER_COLUMNS}`,
    params,
  );
  return rows[0] ? toPartner(rows[0]) : null;
}

export async function insertPartnerKey(db: Db, row: PartnerKeyRow): Promise<void> {
  await db.query(
    `INSERT INTO partner_keys (${PARTNER_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz)`,
    [row.id, row.partner_id, row.prefix, row.secret_hash, row.created_at, row.revoked_at],
  );
}

export async function listPartnerKeys(db: Db, partnerId: string): Promise<PartnerKeyRow[]> {
  const rows = await db.query<PartnerKeyRow>(
    `SELECT ${PARTNER_KEY_COLUMNS} FROM partner_keys WHERE partner_id = $1 ORDER BY created_at, id`,
    [partnerId],
  );
  return rows.map(toPartnerKey);
}

export async function findPartnerKeyByHash(
  db: Db,
  secretHash: string,
): Promise<{ key: PartnerKeyRow; partner: PartnerRow } | null> {
  // One round trip on the hot path; partner columns are prefixed to keep the two ids apart.
  const partnerColumns = PARTNER_COLUMNS.split(', ')
    .map((c) => `p.${c} AS p_${c}`)
    .join(', ');
  const rows = await db.query<Record<string, unknown>>(
    `SELECT k.id, k.partner_id, k.prefix, k.secret_hash, k.created_at, k.revoked_at, ${partnerColumns}
     FROM partner_keys k JOIN partners p ON p.id = k.partner_id
     WHERE k.secret_hash = $1`,
    [secretHash],
  );
  const row = rows[0];
  if (!row) return null;
  const partner = Object.fromEntries(
    Object.entries(row)
      .filter(([k]) => k.startsWith('p_'))
      .map(([k, v]) => [k.slice(2), v]),
  ) as unknown as PartnerRow;
  return { key: toPartnerKey(row as unknown as PartnerKeyRow), partner: toPartner(partner) };
}

export async function revokePartnerKey(
  db: Db,
  id: string,
  at: Date,
): Promise<PartnerKeyRow | null> {
  // COALESCE keeps the first revocation time when a key is revoked again.
  const rows = await db.query<PartnerKeyRow>(
    `UPDATE partner_keys SET revoked_at = COALESCE(revoked_at, $2::timestamptz) WHERE id = $1
     RETURNING ${PARTNER_KEY_COLUMNS}`,
    [id, at],
  );
  return rows[0] ? toPartnerKey(rows[0]) : null;
}
