import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  /** The request's path and query: tells apart endpoints that share one receiver. */
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type Answer = (
  message: Received,
  seen: number,
) => { status: number; headers?: Record<string, string> } | 'hang';

/**
 * A webhook receiver on 127.0.0.1, port 0: records every request with its raw body (signatures
 * cover bytes) and answers what `answer` says, 204 by default. `inFlight` counts requests per
 * `webhook-id` being handled at this instant, so a test sees two deliveries of one event at once.
 */
export async function startReceiver(answer: Answer = () => ({ status: 204 })) {
  const received: Received[] = [];
  const perId = new Map<string, number>();
  const inFlight = new Map<string, number>();
  let maxConcurrentPerId = 0;
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers))
        if (typeof value === 'string') headers[name] = value;
      const message: Received = {
        id: headers['webhook-id'] ?? '',
        path: request.url ?? '',
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      const seen = (perId.get(message.id) ?? 0) + 1;
      perId.set(message.id, seen);
      const current = (inFlight.get(message.id) ?? 0) + 1;
      inFlight.set(message.id, current);
      maxConcurrentPerId = Math.max(maxConcurrentPerId, current);
      // Let concurrent twins overlap if there are any.
      setImmediate(() => {
        inFlight.set(message.id, (inFlight.get(message.id) ?? 1) - 1);
        received.push(message);
        for (const wake of waiters) wake();
        const decided = answer(message, seen);
        if (decided === 'hang') {
          hanging.add(response);
          return;
        }
        response.writeHead(decided.status, decided.headers ?? {});
        response.end();
      });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    get maxConcurrentPerId() {
      return maxConcurrentPerId;
    },
    /** Resolves once `predicate` holds over what has arrived (re-checked on each arrival). */
    until(predicate: (received: Received[]) => boolean): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (predicate(received)) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
