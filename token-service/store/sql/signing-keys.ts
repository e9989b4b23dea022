import type { Db } from '../../../service-kit/db/db.ts';
import type { SigningKeyRow } from '../types.ts';

const SIGNING_KEY_COLUMNS =
  'kid, alg, state, public_jwk, private_jwk_encrypted, created_at, activated_at, retired_at, remove_after';
function toSigningKey(r: SigningKeyRow): SigningKeyRow {
  return {
    kid: r.kid,
    alg: r.alg,
    state: r.state,
    public_jwk: r.public_jwk,
    private_jwk_encrypted: r.private_jwk_encrypted,
    created_at: r.created_at,
    activated_at: r.activated_at,
    retired_at: r.retired_at,
    remove_after: r.remove_after,
  };
}

export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  const rows = await db.query<SigningKeyRow>(
    `SELECT ${SIGNING_KEY_COLUMNS} FROM signing_keys ORDER BY created_at, kid`,
  );
  return rows.map(toSigningKey);
}

export async function insertSigningKey(db: Db, row: SigningKeyRow): Promise<void> {
  await db.query(
    `INSERT INTO signing_keys (${SIGNING_KEY_COLUMNS})
     VALUES ($1, $2, $3, $4::jsonb, $5, $6::timestamptz, $7::timestamptz, $8::timestamptz, $9::timestamptz)`,
    [
      row.kid,
      row.alg,
      row.state,
      JSON.stringify(row.public_jwk),
      row.private_jwk_encrypted,
      row.created_at,
      row.activated_at,
      row.retired_at,
      row.remove_after,
    ],
  );
}

export function rotateSigningKeys(
  db: Db,
  args: {
    expectedNextKid: string;
    newNext: SigningKeyRow;
    now: Date;
    removeAfter: Date;
  },
): Promise<boolean> {
  const { expectedNextKid, newNext, now, removeAfter } = args;
  return db.transaction(async (tx) => {
    // A concurrent rotation blocks here until the first commits, then sees the next key gone.
    const current = await tx.query<{ kid: string; state: string }>(
      `SELECT kid, state FROM signing_keys WHERE state IN ('active', 'next') ORDER BY kid FOR UPDATE`,
    );
    const next = current.find((k) => k.state === 'next');
    if (next?.kid !== expectedNextKid) return false;
    // Each step frees the slot (partial unique index) that the following one takes.
    await tx.query(
      `UPDATE signing_keys SET state = 'retiring', retired_at = $1::timestamptz, remove_after = $2::timestamptz
       WHERE state = 'active'`,
      [now, removeAfter],
    );
    await tx.query(
      `UPDATE signing_keys SET state = 'active', activated_at = $1::timestamptz WHERE kid = $2 AND state = 'next'`,
      [now, expectedNextKid],
    );
    await insertSigningKey(tx, { ...newNext, state: 'next' });
    await tx.query(
      `UPDATE signing_keys SET state = 'retired' WHERE state = 'retiring' AND remove_after <= $1::timestamptz`,
      [now],
    );
    return true;
  });
}
