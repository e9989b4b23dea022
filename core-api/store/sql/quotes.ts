import type { Quote } from '../../../contracts/index.ts';
import { LineItem } from '../../../contracts/index.ts';
import type { Db } from '../../../service-kit/db/db.ts';
import { iso, json, lock, ordered, updateMissed } from './rows.ts';

const QUOTE_COLUMNS =
  'id, number, account_id, status, currency, line_items, subtotal, tax, total, valid_until, accepted_at, accepted_by, declined_at, decline_reason, version';
const LINE_ITEM_KEYS = Object.keys(LineItem.shape);

interface QuoteRow {
  id: string;
  number: string;
  account_id: string;
  status: Quote['status'];
  currency: string;
  line_items: Quote['line_items'];
  subtotal: number;
  tax: number;
  total: number;
  valid_until: Date;
  accepted_at: Date | null;
  accepted_by: NonNullable<Quote['accepted_by']> | null;
  declined_at: Date | null;
  decline_reason: string | null;
  version: number;
}

function toQuote(r: QuoteRow): Quote {
  return {
    id: r.id,
    number: r.number,
    account_id: r.account_id,
    status: r.status,
    currency: r.currency,
    line_items: r.line_items.map((item) => ordered(item, LINE_ITEM_KEYS)),
    subtotal: r.subtotal,
    tax: r.tax,
    total: r.total,
    valid_until: iso(r.valid_until),
    ...(r.accepted_at === null ? {} : { accepted_at: iso(r.accepted_at) }),
    ...(r.accepted_by === null ? {} : { accepted_by: ordered(r.accepted_by, ['name', 'email']) }),
    ...(r.declined_at === null ? {} : { declined_at: iso(r.declined_at) }),
    ...(r.decline_reason === null ? {} : { decline_reason: r.decline_reason }),
    version: r.version,
  };
}

export async function getQuote(
  db: Db,
  id: string,
  opts?: { forUpdate?: boolean; accountId?: string },
): Promise<Quote | null> {
  const rows =
    opts?.accountId === undefined
      ? await db.query<QuoteRow>(
          `SELECT ${QUOTE_COLUMNS} FROM quotes WHERE id = $1${lock(opts?.forUpdate)}`,
          [id],
        )
      : await db.query<QuoteRow>(
          `SELECT ${QUOTE_COLUMNS} FROM quotes WHERE id = $1 AND account_id = $2${lock(opts.forUpdate)}`,
          [id, opts.accountId],
        );
  return rows[0] ? toQuote(rows[0]) : null;
}

export async function insertQuote(db: Db, q: Quote): Promise<void> {
  await db.query(
    `INSERT INTO quotes (${QUOTE_COLUMNS})
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::timestamptz, $11::timestamptz,
             $12::jsonb, $13::timestamptz, $14, $15)`,
    [
      q.id,
      q.number,
      q.account_id,
      q.status,
      q.currency,
      json(q.line_items),
      q.subtotal,
      q.tax,
      q.total,
      q.valid_until,
      q.accepted_at ?? null,
      json(q.accepted_by),
      q.declined_at ?? null,
      q.decline_reason ?? null,
      q.version,
    ],
  );
}

export async function updateQuote(db: Db, q: Quote): Promise<void> {
  // A quote never moves to another account: account_id is not written.
  const rows = await db.query(
    `UPDATE quotes SET number = $2, status = $3, currency = $4, line_items = $5::jsonb,
       subtotal = $6, tax = $7, total = $8, valid_until = $9::timestamptz,
       accepted_at = $10::timestamptz, accepted_by = $11::jsonb, declined_at = $12::timestamptz,
       decline_reason = $13, version = $14
     WHERE id = $1 AND version < $14 RETURNING 1`,
    [
      q.id,
      q.number,
      q.status,
      q.currency,
      json(q.line_items),
      q.subtotal,
      q.tax,
      q.total,
      q.valid_until,
      q.accepted_at ?? null,
      json(q.accepted_by),
      q.declined_at ?? null,
      q.decline_reason ?? null,
      q.version,
    ],
  );
  if (rows.length === 0) await updateMissed(db, 'quotes', q.id, q.version);
}
