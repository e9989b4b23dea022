import type { Account } from '../../../contracts/index.ts';
import { Address } from '../../../contracts/index.ts';
import type { Db } from '../../../service-kit/db/db.ts';
import { iso, json, lock, ordered, updateMissed } from './rows.ts';

// Accounts, and which partners may act for each (`account_partners`).

const ACCOUNT_COLUMNS =
  'id, legal_name, billing_email, phone, billing_address, tax_id, currency, version, created_at, updated_at';
export const ADDRESS_KEYS = Object.keys(Address.shape);

interface AccountRow {
  id: string;
  legal_name: string;
  billing_email: string;
  phone: string | null;
  billing_address: Account['billing_address'];
  tax_id: string | null;
  currency: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    legal_name: r.legal_name,
    billing_email: r.billing_email,
    ...(r.phone === null ? {} : { phone: r.phone }),
    billing_address: ordered(r.billing_address, ADDRESS_KEYS),
    ...(r.tax_id === null ? {} : { tax_id: r.tax_id }),
    currency: r.currency,
    version: r.version,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export async function isLinked(db: Db, accountId: string, partnerId: string): Promise<boolean> {
  const rows = await db.query(
    'SELECT 1 FROM account_partners WHERE account_id = $1 AND partner_id = $2',
    [accountId, partnerId],
  );
  return rows.length > 0;
}

export async function linkAccount(db: Db, accountId: string, partnerId: string): Promise<void> {
  await db.query(
    'INSERT INTO account_partners (account_id, partner_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [accountId, partnerId],
  );
}

export async function getAccount(
  db: Db,
  id: string,
  opts?: { forUpdate?: boolean },
): Promise<Account | null> {
  const rows = await db.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1${lock(opts?.forUpdate)}`,
    [id],
  );
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function insertAccount(db: Db, a: Account): Promise<void> {
  await db.query(
    `INSERT INTO accounts (${ACCOUNT_COLUMNS})
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::timestamptz, $10::timestamptz)`,
    [
      a.id,
      a.legal_name,
      a.billing_email,
      a.phone ?? null,
      json(a.billing_address),
      a.tax_id ?? null,
      a.currency,
      a.version,
      a.created_at,
      a.updated_at,
    ],
  );
}

export async function updateAccount(db: Db, a: Account): Promise<void> {
  // `version < new` rather than `= new - 1`: the guard is against going backwards or sideways.
  // created_at is history, not state: an update never rewrites it.
  const rows = await db.query(
    `UPDATE accounts SET legal_name = $2, billing_email = $3, phone = $4, billing_address = $5::jsonb,
       tax_id = $6, currency = $7, version = $8, updated_at = $9::timestamptz
     WHERE id = $1 AND version < $8 RETURNING 1`,
    [
      a.id,
      a.legal_name,
      a.billing_email,
      a.phone ?? null,
      json(a.billing_address),
      a.tax_id ?? null,
      a.currency,
      a.version,
      a.updated_at,
    ],
  );
  if (rows.length === 0) await updateMissed(db, 'accounts', a.id, a.version);
}
