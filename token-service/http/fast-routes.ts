import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isHeaderId } from '../../contracts/index.ts';
import { MAX_BODY_BYTES, tooLarge } from '../../service-kit/http/body.ts';
import type { AppDeps } from './context.ts';
import {
  issuePartnerToken,
  mintWidgetToken,
  type EndpointAnswer,
  type EndpointRequest,
} from './token-endpoints.ts';

type Endpoint = (deps: AppDeps, request: EndpointRequest) => Promise<EndpointAnswer>;

const ENDPOINTS: ReadonlyMap<string, Endpoint> = new Map([
  ['/v1/tokens', mintWidgetToken],
  ['/oauth/token', issuePartnerToken],
]);

/** As @hono/node-server drains a body nobody read: briefly, and never more than this. */
const DRAIN_TIMEOUT_MS = 500;
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * The two token endpoints on plain `node:http`, for `listen`'s `preempt`: the hot path skips
 * building a fetch `Request` and `Response` and Hono's routing and middleware (about 60 µs a
 * request on a shared 2-core machine, a quarter of a mint). Everything the Hono app does around
 * these routes is done here the same way: the request id, the `X-Request-Id` answer, the one
 * access-log line, the latency and refusal metrics, and the answer itself, which comes from the
 * same endpoint functions the Hono routes call. Any other request returns false and goes to Hono.
 */
export function fastTokenRoutes(
  deps: AppDeps,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== 'POST') return false;
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const endpoint = ENDPOINTS.get(path);
    if (!endpoint) return false;
    serve(deps, endpoint, path, request, response).catch((error: unknown) => {
      // The endpoints answer every failure themselves; this is only a last line of defence.
      deps.log.error({ err: error }, 'unhandled error');
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
    return true;
  };
}

async function serve(
  deps: AppDeps,
  endpoint: Endpoint,
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const header = headerReader(request.rawHeaders);
  const incoming = header('x-request-id');
  const serverRequestId = randomUUID();
  const requestId = isHeaderId(incoming) ? incoming : serverRequestId;
  const answer = await endpoint(deps, {
    header,
    body: () => readBody(request, header('content-length')),
    requestId,
  });
  const seconds = (performance.now() - started) / 1000;
  deps.metrics.latency.observe(
    { route: path, method: 'POST', status: String(answer.status) },
    seconds,
  );
  if (answer.errorCode) deps.metrics.refusals.inc({ code: answer.errorCode });
  deps.log.info(
    {
      request_id: requestId,
      ...(requestId === serverRequestId ? {} : { server_request_id: serverRequestId }),
      method: 'POST',
      path,
      status: answer.status,
      ms: Math.round(seconds * 1e4) / 10,
      partner_id: answer.partnerId,
      code: answer.errorCode,
      ...answer.logFields,
    },
    answer.logMessage ?? 'request',
  );

  // Lower-case and sorted, as node-server writes a fetch `Headers`.
  const headers: [string, string][] = answer.headers.map(([name, value]) => [
    name.toLowerCase(),
    value,
  ]);
  headers.push(['content-type', 'application/json'], ['x-request-id', requestId]);
  headers.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, value);
  flat.push('Content-Length', String(Buffer.byteLength(answer.body)));
  if (!request.readableEnded) response.once('finish', () => drain(request));
  response.writeHead(answer.status, flat);
  response.end(answer.body);
}

/**
 * Header lookup over the raw list, repeated headers joined by `, ` as a fetch `Headers` joins
 * them (Node's parsed `headers` would keep only the first `Authorization`).
 */
function headerReader(raw: string[]): (name: string) => string | undefined {
  // Each name lower-cased once, not on every lookup (a request looks up about five).
  const names: string[] = [];
  for (let i = 0; i < raw.length; i += 2) names.push(raw[i]!.toLowerCase());
  return (name) => {
    let value: string | undefined;
    for (let i = 0; i < names.length; i++) {
      if (names[i] === name)
        value = value === undefined ? raw[2 * i + 1]! : `${value}, ${raw[2 * i + 1]!}`;
    }
    return value;
  };
}

/**
 * The body, at most MAX_BODY_BYTES: a declared length over the limit is refused unread, one that
 * declares none (chunked) is read only until it passes the limit, as service-kit's `readBody`.
 */
function readBody(request: IncomingMessage, declared: string | undefined): Promise<Uint8Array> {
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES)
    return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      request.off('data', onData).off('end', onEnd).off('error', done).off('close', onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) done(tooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onClose = () => {
      if (!request.readableEnded) done(new Error('Client connection prematurely closed.'));
    };
    request.on('data', onData).on('end', onEnd).on('error', done).on('close', onClose);
  });
}

/** Reads and drops what is left of a body once answered, so the connection can be reused. */
function drain(request: IncomingMessage): void {
  if (request.readableEnded || request.destroyed) return;
  let read = 0;
  const close = () => {
    cleanup();
    request.socket?.destroySoon();
  };
  const timer = setTimeout(close, DRAIN_TIMEOUT_MS);
  timer.unref();
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read > MAX_DRAIN_BYTES) close();
  };
  const cleanup = () => {
    clearTimeout(timer);
    request.off('data', onData).off('end', cleanup).off('error', cleanup);
  };
  request.on('data', onData).on('end', cleanup).on('error', cleanup);
  request.resume();
}
