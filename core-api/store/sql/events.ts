import type { Db } from '../../../service-kit/db/db.ts';
import type { DomainEvent, DomainEventType, NewDomainEvent } from '../types.ts';
import { iso, json } from './rows.ts';
import { fanOut } from './webhooks.ts';

const EVENT_COLUMNS =
  'cursor, id, partner_id, account_id, type, data, request_id, caller_request_id, session_id, created_at';

/**
 * First key of the two-key advisory lock that orders event appends per partner (the second is a
 * hash of the partner id). The two-key space never overlaps the one-key space of migrations.
 */
const EVENT_LOCK_CLASS = 0x7e55;

interface EventRow {
  cursor: number;
  id: string;
  partner_id: string;
  account_id: string;
  type: DomainEventType;
  data: Record<string, unknown>;
  request_id: string;
  caller_request_id: string | null;
  session_id: string | null;
  created_at: Date;
}

function toEvent(r: EventRow): DomainEvent {
  return {
    cursor: r.cursor,
    id: r.id,
    partner_id: r.partner_id,
    account_id: r.account_id,
    type: r.type,
    data: r.data,
    request_id: r.request_id,
    // Only when the caller sent one: events written before the column read as they always did.
    ...(r.caller_request_id === null ? {} : { caller_request_id: r.caller_request_id }),
    session_id: r.session_id,
    created_at: iso(r.created_at),
  };
}

export async function appendEvent(
  db: Db,
  event: NewDomainEvent,
  inTransaction: boolean,
): Promise<DomainEvent> {
  // The lock below only means something inside a transaction.
  if (!inTransaction) {
    return db.transaction((tx) => appendEvent(tx, event, true));
  }
  // Cursors are drawn at insert but become visible at commit. Without this lock a reader could
  // see cursor 8 committed, move its `after` past it, and never see cursor 7 committed a moment
  // later. Holding a per-partner lock until commit makes cursor order commit order. It is held
  // to the end of the transaction, so append events as the transaction's last step.
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
    EVENT_LOCK_CLASS,
    event.partner_id,
  ]);
  const sessionId = await sessionOfThisCustomer(db, event);
  const rows = await db.query<EventRow>(
    `INSERT INTO events (id, partner_id, account_id, type, data, request_id, caller_request_id, session_id)
     VALUES ($1, $2, $3, $4, $5::json, $6, $7, $8)
     RETURNING ${EVENT_COLUMNS}`,
    [
      event.id,
      event.partner_id,
      event.account_id,
      event.type,
      json(event.data),
      event.request_id,
      event.caller_request_id ?? null,
      sessionId,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT … RETURNING returned no row');
  const appended = toEvent(row);
  await fanOut(db, appended);
  return appended;
}

export async function getEvent(
  db: Db,
  partnerId: string,
  eventId: string,
): Promise<DomainEvent | null> {
  const rows = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1 AND partner_id = $2`,
    [eventId, partnerId],
  );
  return rows[0] ? toEvent(rows[0]) : null;
}

/**
 * The event's session id, unless this partner's feed first saw it with another customer: a
 * caller chooses `X-Tessera-Session`, and must not attach its requests to someone else's visit.
 * Runs under the partner's append lock, so two customers racing with one new id cannot both win.
 */
async function sessionOfThisCustomer(db: Db, event: NewDomainEvent): Promise<string | null> {
  if (event.session_id === null) return null;
  const first = await db.query<{ account_id: string }>(
    `SELECT account_id FROM events WHERE partner_id = $1 AND session_id = $2
     ORDER BY cursor LIMIT 1`,
    [event.partner_id, event.session_id],
  );
  const owner = first[0]?.account_id;
  return owner === undefined || owner === event.account_id ? event.session_id : null;
}

export async function listEvents(
  db: Db,
  partnerId: string,
  after: number,
  limit: number,
  accountId?: string,
  types?: readonly DomainEventType[],
): Promise<DomainEvent[]> {
  const cursor = Math.max(0, Math.floor(after));
  const count = Math.max(0, Math.floor(limit));
  if (types?.length === 0) return [];
  // The type filter is in SQL so a page is full whatever the token may not read.
  const typed = types === undefined ? '' : ' AND type = ANY($4::text[])';
  const params: unknown[] = [
    partnerId,
    cursor,
    count,
    ...(types === undefined ? [] : [[...types]]),
  ];
  // Two statements rather than `$n IS NULL OR …`, so each always uses its index.
  const rows =
    accountId === undefined
      ? await db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE partner_id = $1 AND cursor > $2${typed}
           ORDER BY cursor LIMIT $3`,
          params,
        )
      : await db.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events
           WHERE partner_id = $1 AND account_id = $${params.length + 1} AND cursor > $2${typed}
           ORDER BY cursor LIMIT $3`,
          [...params, accountId],
        );
  return rows.map(toEvent);
}
