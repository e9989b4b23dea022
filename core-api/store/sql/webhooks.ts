import type { Db } from '../../../service-kit/db/db.ts';
import type {
  ClaimedDelivery,
  DomainEvent,
  WebhookAttemptOutcome,
  WebhookAttemptRow,
  WebhookEndpointOverview,
  WebhookEndpointRow,
} from '../types.ts';
import { iso, json } from './rows.ts';

/** NOTIFY channel: deliveries were queued or became due. Carries no payload. */
export const WEBHOOK_CHANNEL = 'tessera_webhooks';

const ENDPOINT_COLUMNS = `id, partner_id, mode, url, event_types, description, status, secret_sealed,
  previous_secret_sealed, previous_secret_expires_at, failing_since, version, created_at, updated_at`;

interface EndpointRow extends Omit<
  WebhookEndpointRow,
  'previous_secret_expires_at' | 'failing_since' | 'created_at' | 'updated_at'
> {
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

function toEndpoint(r: EndpointRow): WebhookEndpointRow {
  return {
    id: r.id,
    partner_id: r.partner_id,
    mode: r.mode,
    url: r.url,
    event_types: [...r.event_types],
    description: r.description,
    status: r.status,
    secret_sealed: r.secret_sealed,
    previous_secret_sealed: r.previous_secret_sealed,
    previous_secret_expires_at: isoOrNull(r.previous_secret_expires_at),
    failing_since: isoOrNull(r.failing_since),
    version: r.version,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/**
 * The outbox's fan-out, inside the transaction that appends the event: a delivery row for every
 * endpoint of the partner that subscribes to the type (paused ones too: they keep their queue;
 * not disabled ones, whose receiver said it is gone). NOTIFY is sent at commit, never before.
 */
export async function fanOut(db: Db, event: DomainEvent): Promise<number> {
  const rows = await db.query<{ queued: number }>(
    `WITH queued AS (
       INSERT INTO webhook_deliveries
         (endpoint_id, event_id, event_type, event_created_at, state, next_attempt_at)
       SELECT id, $2, $3, $4, 'pending', now() FROM webhook_endpoints
       WHERE partner_id = $1 AND status <> 'disabled' AND $3 = ANY (event_types)
       ON CONFLICT (endpoint_id, event_id) DO NOTHING
       RETURNING 1
     )
     SELECT count(*)::int AS queued FROM queued`,
    [event.partner_id, event.id, event.type, event.created_at],
  );
  const queued = rows[0]?.queued ?? 0;
  if (queued > 0) await notify(db);
  return queued;
}

export async function notify(db: Db): Promise<void> {
  await db.query(`SELECT pg_notify('${WEBHOOK_CHANNEL}', '')`);
}

export async function insertEndpoint(db: Db, e: WebhookEndpointRow): Promise<void> {
  await db.query(
    `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS})
     VALUES ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      e.id,
      e.partner_id,
      e.mode,
      e.url,
      e.event_types,
      e.description,
      e.status,
      e.secret_sealed,
      e.previous_secret_sealed,
      e.previous_secret_expires_at,
      e.failing_since,
      e.version,
      e.created_at,
      e.updated_at,
    ],
  );
}

export async function getEndpoint(
  db: Db,
  partnerId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<WebhookEndpointRow | null> {
  const rows = await db.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1 AND partner_id = $2${
      opts.forUpdate ? ' FOR UPDATE' : ''
    }`,
    [id, partnerId],
  );
  return rows[0] ? toEndpoint(rows[0]) : null;
}

export async function listEndpoints(db: Db, partnerId: string): Promise<WebhookEndpointRow[]> {
  const rows = await db.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE partner_id = $1
     ORDER BY created_at, id`,
    [partnerId],
  );
  return rows.map(toEndpoint);
}

export async function findEndpoint(db: Db, id: string): Promise<WebhookEndpointRow | null> {
  const rows = await db.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1`,
    [id],
  );
  return rows[0] ? toEndpoint(rows[0]) : null;
}

export async function endpointOverview(db: Db): Promise<WebhookEndpointOverview[]> {
  const rows = await db.query<EndpointRow & { lag_seconds: number | null; pending: number }>(
    `SELECT ${ENDPOINT_COLUMNS
      .split(',')
      .map((column) => `e.${column.trim()}`)
      .join(', ')},
            greatest(0, extract(epoch FROM now() - min(d.event_created_at)))::float8 AS lag_seconds,
            count(d.id)::int AS pending
     FROM webhook_endpoints e
     LEFT JOIN webhook_deliveries d ON d.endpoint_id = e.id AND d.state = 'pending'
     GROUP BY e.id
     ORDER BY e.created_at, e.id`,
  );
  return rows.map((r) => ({
    endpoint: toEndpoint(r),
    lag_seconds: r.lag_seconds === null ? null : Number(r.lag_seconds),
    pending: r.pending,
  }));
}

export async function updateEndpoint(db: Db, e: WebhookEndpointRow): Promise<void> {
  await db.query(
    `UPDATE webhook_endpoints SET url = $3, event_types = $4::text[], description = $5,
       status = $6, secret_sealed = $7, previous_secret_sealed = $8,
       previous_secret_expires_at = $9, failing_since = $10, updated_at = $11, version = $12
     WHERE id = $1 AND partner_id = $2`,
    [
      e.id,
      e.partner_id,
      e.url,
      e.event_types,
      e.description,
      e.status,
      e.secret_sealed,
      e.previous_secret_sealed,
      e.previous_secret_expires_at,
      e.failing_since,
      e.updated_at,
      e.version,
    ],
  );
  // Resuming makes held deliveries due: wake the workers.
  if (e.status === 'enabled') await notify(db);
}

export async function deleteEndpoint(db: Db, partnerId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    'DELETE FROM webhook_endpoints WHERE id = $1 AND partner_id = $2 RETURNING id',
    [id, partnerId],
  );
  return rows.length > 0;
}

export async function enqueueEvent(
  db: Db,
  endpointId: string,
  event: { id: string; type: string; data: Record<string, unknown>; created_at: string },
): Promise<void> {
  await db.query(
    `INSERT INTO webhook_deliveries
       (endpoint_id, event_id, event_type, payload, event_created_at, state, next_attempt_at)
     VALUES ($1, $2, $3, $4::json, $5, 'pending', now())`,
    [endpointId, event.id, event.type, json(event.data), event.created_at],
  );
  await notify(db);
}

export async function replayEvents(db: Db, endpointId: string, cursor: number): Promise<number> {
  // Clearing the lease makes an attempt in flight settle nothing: the replay's state wins.
  const rows = await db.query<{ queued: number }>(
    `WITH queued AS (
       INSERT INTO webhook_deliveries
         (endpoint_id, event_id, event_type, event_created_at, state, next_attempt_at)
       SELECT e.id, ev.id, ev.type, ev.created_at, 'pending', now()
       FROM webhook_endpoints e JOIN events ev ON ev.partner_id = e.partner_id
       WHERE e.id = $1 AND ev.cursor > $2 AND ev.type = ANY (e.event_types)
       ON CONFLICT (endpoint_id, event_id) DO UPDATE
         SET state = 'pending', attempts = 0, next_attempt_at = now(), lease = NULL
       RETURNING 1
     )
     SELECT count(*)::int AS queued FROM queued`,
    [endpointId, Math.max(0, Math.floor(cursor))],
  );
  const queued = rows[0]?.queued ?? 0;
  if (queued > 0) await notify(db);
  return queued;
}

interface AttemptRow extends Omit<WebhookAttemptRow, 'next_attempt_at' | 'attempted_at'> {
  next_attempt_at: Date | null;
  attempted_at: Date;
}

export async function listAttempts(
  db: Db,
  endpointId: string,
  limit: number,
  before?: number,
): Promise<WebhookAttemptRow[]> {
  const rows = await db.query<AttemptRow>(
    `SELECT seq::float8 AS seq, event_id, event_type, attempt, status_code, latency_ms, error,
            next_attempt_at, attempted_at
     FROM webhook_attempts WHERE endpoint_id = $1 AND ($3::bigint IS NULL OR seq < $3::bigint)
     ORDER BY seq DESC LIMIT $2`,
    [endpointId, Math.max(0, Math.floor(limit)), before === undefined ? null : Math.floor(before)],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    event_id: r.event_id,
    event_type: r.event_type,
    attempt: r.attempt,
    status_code: r.status_code,
    latency_ms: r.latency_ms,
    error: r.error,
    next_attempt_at: isoOrNull(r.next_attempt_at),
    attempted_at: iso(r.attempted_at),
  }));
}

interface ClaimRow extends EndpointRow {
  delivery_id: number;
  lease: string;
  attempts: number;
  event_id: string;
  event_type: ClaimedDelivery['event_type'];
  event_created_at: Date;
  payload: Record<string, unknown> | null;
  event_data: Record<string, unknown> | null;
}

export async function claimDeliveries(
  db: Db,
  limit: number,
  leaseMs: number,
  lease: string,
): Promise<ClaimedDelivery[]> {
  // The row locks last only as long as this statement's transaction: the lease (a future
  // next_attempt_at and a token only this worker knows) is what holds the claim during the
  // HTTP request, without a connection held open for it.
  const rows = await db.query<ClaimRow>(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
       WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND e.status = 'enabled'
       ORDER BY d.next_attempt_at, d.id
       LIMIT $1
       FOR UPDATE OF d SKIP LOCKED
     ), claimed AS (
       UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, lease = $2,
           next_attempt_at = now() + $3 * interval '1 millisecond'
       FROM due WHERE d.id = due.id
       RETURNING d.id, d.endpoint_id, d.event_id, d.event_type, d.event_created_at, d.payload,
                 d.attempts, d.lease
     )
     SELECT c.id AS delivery_id, c.lease, c.attempts, c.event_id, c.event_type,
            c.event_created_at, c.payload, ev.data AS event_data,
            ${ENDPOINT_COLUMNS.split(',')
              .map((column) => `e.${column.trim()}`)
              .join(', ')}
     FROM claimed c
     JOIN webhook_endpoints e ON e.id = c.endpoint_id
     LEFT JOIN events ev ON ev.id = c.event_id
     ORDER BY c.event_created_at, c.id`,
    [Math.max(0, Math.floor(limit)), lease, Math.max(0, Math.floor(leaseMs))],
  );
  return rows.map((r) => ({
    id: r.delivery_id,
    lease: r.lease,
    attempt: r.attempts,
    event_id: r.event_id,
    event_type: r.event_type,
    event_created_at: iso(r.event_created_at),
    data: r.payload ?? r.event_data,
    endpoint: toEndpoint(r),
  }));
}

export async function settleDelivery(
  db: Db,
  delivery: {
    id: number;
    lease: string;
    attempt: number;
    event_id: string;
    event_type: string;
    endpoint_id: string;
  },
  outcome: WebhookAttemptOutcome,
): Promise<string | null> {
  return db.transaction(async (tx) => {
    const state =
      outcome.retryInMs !== null ? 'pending' : outcome.delivered ? 'delivered' : 'failed';
    const settled = await tx.query<{ next_attempt_at: Date | null }>(
      `UPDATE webhook_deliveries
       SET state = $3, lease = NULL,
           next_attempt_at = CASE WHEN $3 = 'pending'
                                  THEN now() + $4 * interval '1 millisecond' END
       WHERE id = $1 AND lease = $2
       RETURNING next_attempt_at`,
      [delivery.id, delivery.lease, state, Math.max(0, Math.floor(outcome.retryInMs ?? 0))],
    );
    const next = settled[0] ? isoOrNull(settled[0].next_attempt_at) : null;
    await tx.query(
      `INSERT INTO webhook_attempts (delivery_id, endpoint_id, event_id, event_type, attempt,
         status_code, latency_ms, error, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        delivery.id,
        delivery.endpoint_id,
        delivery.event_id,
        delivery.event_type,
        delivery.attempt,
        outcome.statusCode,
        Math.max(0, Math.round(outcome.latencyMs)),
        outcome.error,
        next,
      ],
    );
    if (outcome.disableEndpoint) {
      await tx.query(
        `UPDATE webhook_endpoints SET status = 'disabled', updated_at = now() WHERE id = $1`,
        [delivery.endpoint_id],
      );
    } else if (outcome.delivered) {
      await tx.query(
        `UPDATE webhook_endpoints SET failing_since = NULL
         WHERE id = $1 AND failing_since IS NOT NULL`,
        [delivery.endpoint_id],
      );
    } else if (settled[0] && state === 'failed') {
      await tx.query(
        `UPDATE webhook_endpoints SET failing_since = now()
         WHERE id = $1 AND failing_since IS NULL`,
        [delivery.endpoint_id],
      );
    }
    return next;
  });
}

export async function nextDueInMs(db: Db): Promise<number | null> {
  const rows = await db.query<{ due_in_ms: number | null }>(
    `SELECT (extract(epoch FROM min(d.next_attempt_at) - now()) * 1000)::float8 AS due_in_ms
     FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE d.state = 'pending' AND e.status = 'enabled'`,
  );
  const due = rows[0]?.due_in_ms;
  return due === null || due === undefined ? null : Math.max(0, Number(due));
}

export async function lag(db: Db): Promise<{ endpoint_id: string; seconds: number }[]> {
  const rows = await db.query<{ endpoint_id: string; seconds: number }>(
    `SELECT endpoint_id,
            greatest(0, extract(epoch FROM now() - min(event_created_at)))::float8 AS seconds
     FROM webhook_deliveries WHERE state = 'pending' GROUP BY endpoint_id ORDER BY endpoint_id`,
  );
  return rows.map((r) => ({ endpoint_id: r.endpoint_id, seconds: Number(r.seconds) }));
}

export async function countFailing(db: Db): Promise<number> {
  const rows = await db.query<{ failing: number }>(
    'SELECT count(*)::int AS failing FROM webhook_endpoints WHERE failing_since IS NOT NULL',
  );
  return rows[0]?.failing ?? 0;
}
