import { mkdir } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { closedError, mapped, withSavepoint, type Db } from '../../service-kit/db/db.ts';

interface Reply {
  id: number;
  error?: { message: string; code?: string };
  rows?: unknown[];
  tx?: number;
}

type Call =
  | { op: 'query'; sql: string; params?: unknown[] | undefined; tx?: number }
  | { op: 'exec'; sql: string; tx?: number }
  | { op: 'run'; name: string; sql: string; params: string[] }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

/**
 * The embedded database (PGlite) in a worker thread: the same `Db` as service-kit's `openPglite`,
 * but its WebAssembly, a third of a mint's CPU when it ran on the request thread, runs beside the
 * HTTP work instead of between it. A statement's promise settles only once the worker has run it,
 * so a committed INSERT is in the database files before anyone is told so, as in one thread.
 */
export async function openPgliteWorker(dir: string | null): Promise<Db & PreparedStatements> {
  if (dir !== null) await mkdir(dir, { recursive: true });
  const worker = new Worker(new URL('./pglite-thread.mjs', import.meta.url), {
    workerData: { dir },
  });
  const pending = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (e: Error) => void }
  >();
  let nextId = 1;
  let gone: Error | null = null;

  const fail = (error: Error) => {
    gone ??= error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  const started = new Promise<void>((resolve, reject) => {
    worker.once('message', (reply: Reply) =>
      reply.error ? reject(asError(reply.error)) : resolve(),
    );
    worker.once('error', reject);
  });
  worker.on('message', (reply: Reply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error) waiter.reject(asError(reply.error));
    else waiter.resolve(reply);
  });
  worker.on('error', (error) =>
    fail(new Error(`PGlite is closed: its worker failed (${error.message})`)),
  );
  worker.on('exit', () => fail(new Error('PGlite is closed: its worker exited')));

  const call = (message: Call): Promise<Reply> =>
    mapped(
      () =>
        new Promise<Reply>((resolve, reject) => {
          if (gone) throw gone;
          const id = nextId++;
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, ...message });
        }),
    );

  try {
    await mapped(() => started);
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  let closed = false;
  const txDb = (tx: number, depth: number): Db => {
    const self: Db = {
      query: async <T>(sql: string, params?: unknown[]) =>
        (await call({ op: 'query', sql, params, tx })).rows as T[],
      exec: async (sql) => void (await call({ op: 'exec', sql, tx })),
      transaction: (fn) => withSavepoint(self, depth, () => fn(txDb(tx, depth + 1))),
      close: () => Promise.reject(new Error('close() called on a transaction')),
    };
    return self;
  };

  return {
    query: async <T>(sql: string, params?: unknown[]) => {
      if (closed) throw closedError();
      return (await call({ op: 'query', sql, params })).rows as T[];
    },
    exec: async (sql) => {
      if (closed) throw closedError();
      await call({ op: 'exec', sql });
    },
    runPrepared: async (name, sql, params) => {
      if (closed) throw closedError();
      await call({ op: 'run', name, sql, params });
    },
    transaction: async (fn) => {
      if (closed) throw closedError();
      const { tx } = await call({ op: 'begin' });
      let result;
      try {
        result = await fn(txDb(tx!, 1));
      } catch (error) {
        await call({ op: 'end', tx: tx!, commit: false }).catch(() => undefined);
        throw error;
      }
      await call({ op: 'end', tx: tx!, commit: true });
      return result;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await call({ op: 'close' });
      } finally {
        await worker.terminate();
      }
    },
  };
}

/** A database that can keep a statement prepared under a name and run it again by that name. */
export interface PreparedStatements {
  /**
   * Runs `sql` (no result rows, outside any transaction), prepared the first time `name` is used
   * and only bound and executed after that. Text parameters only.
   */
  runPrepared(name: string, sql: string, params: string[]): Promise<void>;
}

export function hasPreparedStatements(db: Db): db is Db & PreparedStatements {
  return typeof (db as Partial<PreparedStatements>).runPrepared === 'function';
}

/** An error from the worker with PostgreSQL's `code`, as the store checks it (`23505`, …). */
function asError(plain: { message: string; code?: string }): Error {
  return Object.assign(new Error(plain.message), plain);
}
