import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { TesseraError } from '../../contracts/index.ts';

/**
 * The little the store needs from a database. Both drivers speak PostgreSQL, so the SQL is
 * shared; `timestamptz` comes back as `Date`, `jsonb` as parsed JSON, `int8` as `number`.
 */
export interface Db {
  /** One statement, parameters as `$1…`. */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migration scripts). */
  exec(sql: string): Promise<void>;
  /** Commits when `fn` resolves, rolls back when it throws. Nested calls use a savepoint. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Idempotent. Afterwards every call fails with `service_unavailable`. */
  close(): Promise<void>;
  /**
   * Notifications from other processes on `channel` (PostgreSQL LISTEN, on a connection of its
   * own that reconnects by itself). `state` says whether the feed is live: while it is 'lost',
   * changes made elsewhere may go unseen. Absent for the embedded database: one process only.
   */
  listen?(
    channel: string,
    onEvent: (event: 'notify' | 'lost' | 'live') => void,
  ): () => Promise<void>;
}

export interface DbConfig {
  /** PostgreSQL connection string; when set, PostgreSQL is used. */
  databaseUrl?: string | null | undefined;
  /** Directory of the embedded database when no `databaseUrl`; null or unset: in memory. */
  dataDir?: string | null | undefined;
}

export function openDb({ databaseUrl, dataDir }: DbConfig): Promise<Db> {
  return databaseUrl ? openPostgres(databaseUrl) : openPglite(dataDir ?? null);
}

// --- errors ---

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up / in recovery)
  '57P01',
  '57P02',
  '57P03',
  // too_many_connections
  '53300',
]);

// node-postgres reports a lost or unobtainable connection only through these messages.
const UNREACHABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|not queryable|PGlite is closed|database is closed/i;

function isUnreachable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // Node tries every address of `localhost` and reports all refusals together.
  if (err instanceof AggregateError && err.errors.length > 0 && err.errors.every(isUnreachable))
    return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08')))
    return true;
  return UNREACHABLE_MESSAGES.test(err.message);
}

/** The HTTP layer answers 503 for `service_unavailable`; everything else keeps its identity. */
function mapError(err: unknown): unknown {
  if (err instanceof TesseraError || !isUnreachable(err)) return err;
  const mapped = new TesseraError(
    'service_unavailable',
    `database unavailable: ${(err as Error).message}`,
  );
  mapped.cause = err;
  return mapped;
}

/** Runs a database call, a lost or closed database as `service_unavailable`. */
export async function mapped<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw mapError(err);
  }
}

export function closedError(): TesseraError {
  return new TesseraError('service_unavailable', 'database unavailable: the connection is closed');
}

// Savepoint names only need to be unique within one transaction.
export async function withSavepoint<T>(tx: Db, depth: number, fn: () => Promise<T>): Promise<T> {
  const name = `sp_${depth}`;
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
    throw err;
  }
}

// --- PGlite ---

export async function openPglite(dir: string | null): Promise<Db> {
  if (dir !== null) await mkdir(dir, { recursive: true });
  // PGlite already parses timestamptz into Date, jsonb into objects, int8 into number.
  const db = await mapped(() => (dir === null ? PGlite.create() : PGlite.create(dir)));
  let closed = false;

  const wrapTx = (tx: Transaction, depth: number): Db => {
    const self: Db = {
      query: <T>(sql: string, params?: unknown[]) =>
        mapped(async () => (await tx.query<T>(sql, params)).rows),
      exec: (sql) => mapped(async () => void (await tx.exec(sql))),
      transaction: (fn) => withSavepoint(self, depth, () => fn(wrapTx(tx, depth + 1))),
      close: () => Promise.reject(new Error('close() called on a transaction')),
    };
    return self;
  };

  return {
    query: <T>(sql: string, params?: unknown[]) =>
      mapped(async () => {
        if (closed) throw closedError();
        return (await db.query<T>(sql, params)).rows;
      }),
    exec: (sql) =>
      mapped(async () => {
        if (closed) throw closedError();
        await db.exec(sql);
      }),
    transaction: (fn) =>
      mapped(async () => {
        if (closed) throw closedError();
        return db.transaction((tx) => fn(wrapTx(tx, 1)));
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}

// --- PostgreSQL ---

const INT8_OID = 20;

// Same shapes as PGlite: node-postgres already gives Date for timestamptz and objects for jsonb,
// but int8 as a string; counts and sums are far below 2^53.
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === INT8_OID && format !== 'binary'
      ? Number
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown),
};

// Connects lazily: the first query tells whether the database answers.
export function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Fail fast (503) rather than queue requests behind a database that does not answer.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    types: pgTypes,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that kills the
  // process. The next query gets a fresh connection or a `service_unavailable`.
  pool.on('error', () => undefined);
  // A checked-out client has no pool listener: the server ending its session (a restart,
  // pg_terminate_backend) between two statements of a transaction, or in the instant between the
  // pool handing it over and `await pool.connect()` resuming, would be an unhandled 'error' that
  // kills the process. With this, its next statement fails instead and the pool discards it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  let closed = false;

  const wrapClient = (client: pg.PoolClient, depth: number): Db => {
    const self: Db = {
      query: <T>(sql: string, params?: unknown[]) =>
        mapped(async () => (await client.query(sql, params)).rows as T[]),
      exec: (sql) => mapped(async () => void (await client.query(sql))),
      transaction: (fn) => withSavepoint(self, depth, () => fn(wrapClient(client, depth + 1))),
      close: () => Promise.reject(new Error('close() called on a transaction')),
    };
    return self;
  };

  return Promise.resolve({
    query: <T>(sql: string, params?: unknown[]) =>
      mapped(async () => {
        if (closed) throw closedError();
        return (await pool.query(sql, params)).rows as T[];
      }),
    exec: (sql) =>
      mapped(async () => {
        if (closed) throw closedError();
        await pool.query(sql);
      }),
    transaction: (fn) =>
      mapped(async () => {
        if (closed) throw closedError();
        const client = await pool.connect();
        let broken = false;
        try {
          await client.query('BEGIN');
          const result = await fn(wrapClient(client, 1));
          const commit = await client.query('COMMIT');
          // PostgreSQL answers COMMIT of an aborted transaction with a silent ROLLBACK.
          if (commit.command === 'ROLLBACK')
            throw new Error('transaction was aborted and rolled back');
          return result;
        } catch (err) {
          try {
            await client.query('ROLLBACK');
          } catch {
            broken = true;
          }
          throw err;
        } finally {
          // A client whose ROLLBACK failed may still be inside a transaction: do not reuse it.
          client.release(broken);
        }
      }),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
    listen: (channel, onEvent) => listenPostgres(url, channel, onEvent),
  });
}

/** A dedicated LISTEN connection that reconnects every second while it is down. */
function listenPostgres(
  url: string,
  channel: string,
  onEvent: (event: 'notify' | 'lost' | 'live') => void,
): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  const lost = () => {
    if (stopped) return;
    client?.removeAllListeners();
    client?.end().catch(() => undefined);
    client = null;
    onEvent('lost');
    timer ??= setTimeout(() => {
      timer = null;
      void connect();
    }, 1000);
    timer.unref();
  };
  const connect = async () => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => message.channel === channel && onEvent('notify'));
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN "${channel.replace(/"/g, '')}"`);
      if (!stopped) onEvent('live');
    } catch {
      if (client === next) lost();
    }
  };
  void connect();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    const current = client;
    client = null;
    current?.removeAllListeners();
    await current?.end().catch(() => undefined);
  };
}
