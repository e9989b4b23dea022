import type { Quote } from '../../../contracts/index.ts';
import type { Db } from '../../../service-kit/db/db.ts';
import type { PartnerAccountLink } from '../types.ts';
import { iso } from './rows.ts';
import { getQuote } from './quotes.ts';

// The partner API's own rows: the partner's ids for its accounts (`partner_accounts`) and its
// quote numbers (`partner_quote_numbers`, `partner_quote_counters`).

/**
 * First key of the two-key advisory lock that serialises one partner's account upserts (the
 * second is a hash of the partner id), so the dedupe check and the write it guards are one step.
 * Apart from the event lock's class; always taken before it.
 */
const PARTNER_ACCOUNTS_LOCK_CLASS = 0x7e56;

const LINK_COLUMNS =
  'seq, partner_id, external_id, account_id, billing_email_normalised, created_at';

interface LinkRow {
  seq: number | string;
  partner_id: string;
  external_id: string;
  account_id: string;
  billing_email_normalised: string;
  created_at: Date;
}

function toLink(r: LinkRow): PartnerAccountLink {
  return {
    seq: Number(r.seq),
    partner_id: r.partner_id,
    external_id: r.external_id,
    account_id: r.account_id,
    billing_email_normalised: r.billing_email_normalised,
    created_at: iso(r.created_at),
  };
}

export async function lockPartnerAccounts(db: Db, partnerId: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
    PARTNER_ACCOUNTS_LOCK_CLASS,
    partnerId,
  ]);
}

export async function findPartnerAccount(
  db: Db,
  partnerId: string,
  by: { externalId: string } | { emailNormalised: string } | { accountId: string },
): Promise<PartnerAccountLink | null> {
  const [column, value] =
    'externalId' in by
      ? ['external_id', by.externalId]
      : 'emailNormalised' in by
        ? ['billing_email_normalised', by.emailNormalised]
        : ['account_id', by.accountId];
  const rows = await db.query<LinkRow>(
    `SELECT ${LINK_COLUMNS} FROM partner_accounts WHERE partner_id = $1 AND ${column} = $2`,
    [partnerId, value],
  );
  return rows[0] ? toLink(rows[0]) : null;
}

export async function insertPartnerAccount(
  db: Db,
  link: Omit<PartnerAccountLink, 'seq'>,
): Promise<PartnerAccountLink> {
  const rows = await db.query<LinkRow>(
    `INSERT INTO partner_accounts (partner_id, external_id, account_id, billing_email_normalised, created_at)
     VALUES ($1, $2, $3, $4, $5::timestamptz) RETURNING ${LINK_COLUMNS}`,
    [
      link.partner_id,
      link.external_id,
      link.account_id,
      link.billing_email_normalised,
      link.created_at,
    ],
  );
  if (!rows[0]) throw new Error('INSERT … RETURNING returned no row');
  return toLink(rows[0]);
}

export async function updatePartnerAccountEmail(
  db: Db,
  partnerId: string,
  externalId: string,
  emailNormalised: string,
): Promise<void> {
  await db.query(
    `UPDATE partner_accounts SET billing_email_normalised = $3
     WHERE partner_id = $1 AND external_id = $2`,
    [partnerId, externalId, emailNormalised],
  );
}

/** The partner's links after `seq`, oldest first. */
export async function listPartnerAccounts(
  db: Db,
  partnerId: string,
  after: number,
  limit: number,
): Promise<PartnerAccountLink[]> {
  const rows = await db.query<LinkRow>(
    `SELECT ${LINK_COLUMNS} FROM partner_accounts WHERE partner_id = $1 AND seq > $2
     ORDER BY seq LIMIT $3`,
    [partnerId, Math.max(0, Math.floor(after)), Math.max(0, Math.floor(limit))],
  );
  return rows.map(toLink);
}

/**
 * A quote of an account linked to the partner. The link is checked in the same statement, so a
 * quote of an account the partner does not reach misses exactly as an unknown id does.
 */
export async function getPartnerQuote(
  db: Db,
  partnerId: string,
  id: string,
  opts?: { forUpdate?: boolean },
): Promise<Quote | null> {
  const rows = await db.query<{ account_id: string }>(
    `SELECT q.account_id FROM quotes q
     JOIN account_partners ap ON ap.account_id = q.account_id AND ap.partner_id = $2
     WHERE q.id = $1`,
    [id, partnerId],
  );
  const accountId = rows[0]?.account_id;
  if (accountId === undefined) return null;
  // Locks the quote row only: the link is not what an update changes.
  return getQuote(db, id, { accountId, ...(opts?.forUpdate ? { forUpdate: true } : {}) });
}

/** The partner's next generated quote number; the counter row stays locked until commit. */
export async function nextQuoteNumber(db: Db, partnerId: string): Promise<number> {
  const rows = await db.query<{ last: number | string }>(
    `INSERT INTO partner_quote_counters (partner_id, last) VALUES ($1, 1)
     ON CONFLICT (partner_id) DO UPDATE SET last = partner_quote_counters.last + 1
     RETURNING last`,
    [partnerId],
  );
  return Number(rows[0]!.last);
}

/**
 * Claims `number` for the quote among the partner's; false when it is taken. A concurrent claim
 * of the same number waits for the first to commit or roll back, so two never both win.
 */
export async function claimQuoteNumber(
  db: Db,
  partnerId: string,
  number: string,
  quoteId: string,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO partner_quote_numbers (partner_id, number, quote_id) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [partnerId, number, quoteId],
  );
  return rows.length > 0;
}
