// The embedded database in a worker thread (see pglite-worker.ts). Plain JavaScript on purpose:
// a worker does not inherit the TypeScript loader `bin/tessera.js` registers, so a `.ts` worker
// would never start there.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, protocol } from '@electric-sql/pglite';

/** Only what crosses to the other thread: message and PostgreSQL's fields (code first). */
function serialise(error) {
  const plain = { message: error instanceof Error ? error.message : String(error) };
  for (const field of ['code', 'detail', 'constraint', 'table', 'column', 'severity'])
    if (error && typeof error[field] === 'string') plain[field] = error[field];
  return plain;
}

const ROLLBACK = Symbol('rollback');
let db;
try {
  db = workerData.dir === null ? await PGlite.create() : await PGlite.create(workerData.dir);
} catch (error) {
  parentPort.postMessage({ id: 0, error: serialise(error) });
}

if (db) {
  /** Named statements this connection has prepared (see `run`). */
  const prepared = new Set();
  const concat = (parts) => {
    const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  };

  /** Open transactions: their PGlite handle and how to end them. */
  const transactions = new Map();
  let nextTx = 1;

  const handle = async (message) => {
    switch (message.op) {
      case 'query': {
        const target = message.tx ? transactions.get(message.tx).tx : db;
        return { rows: (await target.query(message.sql, message.params)).rows };
      }
      case 'exec': {
        const target = message.tx ? transactions.get(message.tx).tx : db;
        await target.exec(message.sql);
        return {};
      }
      case 'run': {
        // A statement without result rows, parsed and planned once and then only bound and
        // executed: on the embedded database parsing and planning are most of a small INSERT.
        // Behind the same two locks `query` takes, so it never runs inside another's transaction.
        const { serialize } = protocol;
        const parts = [];
        if (!prepared.has(message.name)) {
          // After a failure the statement may or may not exist: closing first is always valid.
          parts.push(serialize.close({ type: 'S', name: message.name }));
          parts.push(serialize.parse({ name: message.name, text: message.sql, types: [] }));
        }
        parts.push(
          serialize.bind({ statement: message.name, values: message.params }),
          serialize.execute({}),
          serialize.sync(),
        );
        prepared.delete(message.name);
        await db._runExclusiveTransaction(() =>
          db._runExclusiveQuery(() => db.execProtocol(concat(parts))),
        );
        prepared.add(message.name);
        return {};
      }
      case 'begin': {
        const id = nextTx++;
        // PGlite holds its transaction lock for as long as this callback runs: other statements
        // wait, exactly as they would in one thread.
        return new Promise((started, failed) => {
          const entry = {};
          entry.ended = new Promise((resolve) => (entry.end = resolve));
          entry.settled = db
            .transaction(async (tx) => {
              entry.tx = tx;
              transactions.set(id, entry);
              started({ tx: id });
              if (!(await entry.ended)) throw ROLLBACK;
            })
            .catch((error) => {
              if (error !== ROLLBACK) throw error;
            })
            .finally(() => transactions.delete(id));
          entry.settled.catch(failed);
        });
      }
      case 'end': {
        const entry = transactions.get(message.tx);
        entry.end(message.commit);
        await entry.settled;
        return {};
      }
      case 'close':
        await db.close();
        return {};
      default:
        throw new Error(`unknown operation ${message.op}`);
    }
  };

  parentPort.on('message', (message) => {
    handle(message).then(
      (result) => parentPort.postMessage({ id: message.id, ...result }),
      (error) => parentPort.postMessage({ id: message.id, error: serialise(error) }),
    );
  });
  parentPort.postMessage({ id: 0 });
}
