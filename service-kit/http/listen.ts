import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener, type ServerType } from '@hono/node-server';
import { errorEnvelope } from '../../contracts/index.ts';
import { envInt } from '../env.ts';

/**
 * How long a client may take and how many may connect at once: deliberate values instead of
 * Node's (60 s for headers, 300 s per request, no connection cap), so a slow or idle client holds
 * a connection only briefly and a flood of them is refused instead of exhausting descriptors.
 * docs/reliability.md gives the reasons for each default.
 */
export interface ConnectionLimits {
  /** Time to receive a request's complete headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** Open connections per process; one more is closed at once. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1000,
};

/** The limits from `TESSERA_HTTP_*`, each falling back to its default. */
export function connectionLimits(
  env: Record<string, string | undefined> = process.env,
): ConnectionLimits {
  const d = DEFAULT_CONNECTION_LIMITS;
  const read = (name: string, fallback: number) => envInt(env[name], fallback, name) || fallback;
  return {
    headersTimeoutMs: read('TESSERA_HTTP_HEADERS_TIMEOUT_MS', d.headersTimeoutMs),
    requestTimeoutMs: read('TESSERA_HTTP_REQUEST_TIMEOUT_MS', d.requestTimeoutMs),
    keepAliveTimeoutMs: read('TESSERA_HTTP_KEEP_ALIVE_TIMEOUT_MS', d.keepAliveTimeoutMs),
    maxConnections: read('TESSERA_HTTP_MAX_CONNECTIONS', d.maxConnections),
  };
}

/**
 * Serves `fetch` on `hostname:port`; a port in use is refused with a message that says what to
 * do, `hint` naming the option and variable that choose this server's port. `preempt`, when
 * given, sees each well-formed request first and answers it itself by returning true: a service's
 * hottest routes can skip building a `Request` and a `Response`.
 */
export function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  hint = '--port (or set PORT)',
  limits: ConnectionLimits = connectionLimits(),
  preempt?: (request: IncomingMessage, response: ServerResponse) => boolean,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    // node-server's own listener, so requests it cannot read get the envelope (not a bare 400).
    const listener = getRequestListener(fetch, { hostname, errorHandler: malformedRequest });
    const requestTimeout = Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs);
    const server = createServer(
      {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        // Timeouts are enforced when connections are checked: often enough to honour the smallest.
        connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.headersTimeoutMs / 4)),
        // Node would answer a bare 400; we answer the envelope below.
        requireHostHeader: false,
      },
      (request, response) => {
        if (request.httpVersion === '1.1' && request.headers.host === undefined) {
          const answer = malformedRequest(
            new Error('an HTTP/1.1 request must carry a Host header'),
          );
          response.shouldKeepAlive = false;
          response.writeHead(answer.status, Object.fromEntries(answer.headers));
          void answer.text().then((body) => response.end(body));
          return;
        }
        if (preempt?.(request, response)) return;
        void listener(request, response);
      },
    );
    server.maxConnections = limits.maxConnections;
    server.on('clientError', onClientError);
    server.once('listening', () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${port} on ${hostname} is already in use. Stop what uses it, or pass ${hint}.`,
            )
          : error,
      );
    });
    server.listen(port, hostname);
  });
}

/** The port a server got (the one asked for, unless that was 0) and the URL it answers on. */
export function boundUrl(
  server: ServerType,
  host: string,
  requested: number,
): { port: number; url: string } {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : requested;
  return { port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}

/** Stops accepting connections and waits for the open ones to finish. */
export function closeServer(server: ServerType): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Resolves once `stop` has run after the first SIGINT or SIGTERM: a clean Ctrl-C. */
export function untilSignalled(stop: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = () => void stop().then(resolve);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

/** The envelope for a request no handler can read, as a raw HTTP/1.1 answer's parts. */
function malformed(message: string): { requestId: string; body: string } {
  const requestId = randomUUID();
  return {
    requestId,
    body: JSON.stringify(errorEnvelope('malformed_request', message, requestId)),
  };
}

/**
 * For node-server's `errorHandler`: a request it cannot turn into a `Request` (a backslash in the
 * path, a Host that is no host) would get a bare 400; it gets the envelope instead.
 */
export function malformedRequest(error: unknown): Response {
  const reason = error instanceof Error ? error.message : 'unreadable';
  const { requestId, body } = malformed(`The request cannot be read (${reason}).`);
  return new Response(body, {
    status: 400,
    headers: {
      'Content-Type': 'application/json',
      'X-Request-Id': requestId,
      'Cache-Control': 'no-store',
    },
  });
}

/**
 * Node's HTTP parser refuses some requests before any handler sees them (a control character in
 * a header, headers over 16 KiB, a broken request line) and would answer a bare 400 or 431 with
 * no body; these get the envelope like every other refusal. Timeouts and resets are left as Node
 * handles them (`server.on('clientError', onClientError)` replaces its default).
 */
export function onClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    if (error.code?.startsWith('HPE_')) {
      const { requestId, body } = malformed(
        error.code === 'HPE_HEADER_OVERFLOW'
          ? 'The request headers are larger than 16 KiB.'
          : `The request is not well-formed HTTP/1.1 (${error.code}).`,
      );
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n' +
          `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n` +
          `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
      socket.write('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  }
  socket.destroy(error);
}
