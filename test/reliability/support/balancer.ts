import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A round-robin HTTP proxy: the one issuer URL in front of several token-service instances, as
 * a load balancer is in a deployment. Verifiers discover and fetch keys through it, so each
 * fetch may land on either instance.
 */
export interface Balancer {
  url: string;
  backends: string[];
  close(): Promise<void>;
}

export async function startBalancer(): Promise<Balancer> {
  let turn = 0;
  const balancer: Balancer = { url: '', backends: [], close: () => Promise.resolve() };
  const server = createServer((incoming, outgoing) => {
    const backend = balancer.backends[turn++ % Math.max(1, balancer.backends.length)];
    if (!backend) {
      outgoing.writeHead(503).end();
      return;
    }
    const upstream = request(
      new URL(incoming.url ?? '/', backend),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  balancer.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return balancer;
}
