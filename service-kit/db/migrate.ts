import type { Db } from './db.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Where one component's migrations are recorded and serialised. Each component names its own:
 * several may share one database and schema (the token service and the core API do), and each
 * one's version 1 must not read as already applied because another's is.
 */
export interface MigrateOptions {
  /** The table recording applied versions. */
  table: string;
  /**
   * The advisory lock serialising these migrations across every process sharing the database
   * (database-wide, released at commit); distinct per component so one's never wait on another's.
   */
  lockKey: number;
}

// The table name is interpolated into SQL: only plain identifiers are allowed.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Applies the missing migrations, each in its own transaction. Safe when several instances start
 * at once: whoever waits on the lock sees the versions the winner recorded and skips them.
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[],
  { table, lockKey }: MigrateOptions,
): Promise<void> {
  if (!IDENTIFIER.test(table)) throw new Error(`invalid migrations table name: ${table}`);
  if (!Number.isSafeInteger(lockKey)) throw new Error(`invalid migration lock key: ${lockKey}`);
  // CREATE TABLE IF NOT EXISTS is not race-free on PostgreSQL (concurrent creators collide on
  // the catalog), hence the lock here too.
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
    await tx.query(`
      CREATE TABLE IF NOT EXISTS ${table} (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
  });

  const applied = new Set(
    (await db.query<{ version: number }>(`SELECT version FROM ${table}`)).map((r) => r.version),
  );
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
      const done = await tx.query(`SELECT 1 FROM ${table} WHERE version = $1`, [migration.version]);
      if (done.length > 0) return;
      await tx.exec(migration.sql);
      await tx.query(`INSERT INTO ${table} (version, name, applied_at) VALUES ($1, $2, now())`, [
        migration.version,
        migration.name,
      ]);
    });
  }
}
