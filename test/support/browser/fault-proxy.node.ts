/**
 * Runs in Node, inside web-test-runner (see web-test-runner.config.mjs), never in the page.
 *
 * A fault-injecting proxy in front of the real core API, on its own loopback port, so the page
 * calls it cross-origin exactly as it calls the API. A request no rule matches passes through
 * untouched, Origin and CORS included. A test scripts faults from the page through `/__faults`
 * on the runner's origin (`test/support/browser/stack.ts` wraps it): rules are taken in order,
 * the first one matching the request's method and path answers it, `times` times.
 */
import {
  createServer,
  request as forward,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Fault {
  /** `GET`, `POST` …; without it any method but `OPTIONS` (preflights always pass). */
  method?: string;
  /** The request's path without the query; a trailing `*` matches by prefix. */
  path: string;
  /** How many matching requests the rule takes before it is used up; default 1. */
  times?: number;
  /** Waits this long first: a slow network or server. */
  delayMs?: number;
  /** Keeps the request until `releaseHeld()`: a response exactly as slow as the test needs. */
  hold?: boolean;
  /** Closes the connection without an answer, before the API sees the request: network down. */
  drop?: boolean;
  /** Lets the API handle the request, then closes the connection: the answer is lost. */
  dropResponse?: boolean;
  /** Answers this status (and `headers`, `body`) instead of the API, with CORS headers. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /**
   * Passes through, then breaks the JSON answer: `true` turns every top-level number into the
   * string `"GARBAGE"`; an object is merged over the top level.
   */
  corrupt?: true | Record<string, unknown>;
}

/** One request the proxy saw, for the test to check what the widget sent. */
export interface ProxiedRequest {
  at: number;
  method: string;
  path: string;
  /** The status the page got; `0` when the connection was dropped, `null` while in flight. */
  status: number | null;
  /** The status the core API answered, when it saw the request. */
  upstreamStatus: number | null;
  fault: 'answer' | 'drop' | 'dropResponse' | 'corrupt' | 'delay' | 'hold' | null;
  idempotencyKey: string | null;
  requestId: string | null;
  sessionId: string | null;
  /** Whether the API answered from its idempotency store (`Idempotent-Replayed`). */
  replayed: boolean;
  /** The bearer token's `jti`, `iat` and `exp` (read, not verified). */
  token: { jti: string; iat: number; exp: number } | null;
}

export interface FaultProxy {
  url: string;
  add(rules: Fault[]): void;
  log(): ProxiedRequest[];
  /** Rules not used up yet, with the uses left. */
  pending(): Fault[];
  /** Lets every held request through to the API. */
  releaseHeld(): number;
  /** Forgets rules and log; releases what is held. */
  reset(): void;
  close(): Promise<void>;
}

const EXPOSE = 'ETag, X-Request-Id, Retry-After, WWW-Authenticate, Idempotent-Replayed';
const MAX_LOG = 2_000;

function tokenOf(authorization: string | undefined): ProxiedRequest['token'] {
  const payload = authorization?.replace(/^(Bearer|DPoP) /, '').split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      jti: string;
      iat: number;
      exp: number;
    };
    return { jti: claims.jti, iat: claims.iat, exp: claims.exp };
  } catch {
    return null;
  }
}

function kindOf(fault: Fault | undefined): ProxiedRequest['fault'] {
  if (!fault) return null;
  if (fault.hold) return 'hold';
  if (fault.drop) return 'drop';
  if (fault.status !== undefined) return 'answer';
  if (fault.dropResponse) return 'dropResponse';
  if (fault.corrupt) return 'corrupt';
  return fault.delayMs ? 'delay' : null;
}

function matches(rule: Fault, method: string, path: string): boolean {
  if (rule.method ? rule.method.toUpperCase() !== method : method === 'OPTIONS') return false;
  return rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path;
}

function corrupted(text: string, how: true | Record<string, unknown>): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return '{"GARBAGE":';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return '"GARBAGE"';
  if (how !== true) return JSON.stringify({ ...json, ...how });
  const entries = Object.entries(json as Record<string, unknown>).map(
    ([key, value]): [string, unknown] => [key, typeof value === 'number' ? 'GARBAGE' : value],
  );
  return JSON.stringify(Object.fromEntries(entries));
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: { rule: Fault; left: number }[] = [];
  const held = new Set<() => void>();
  const sockets = new Set<Socket>();
  let log: ProxiedRequest[] = [];

  function take(method: string, path: string): Fault | undefined {
    const hit = rules.find(({ rule, left }) => left > 0 && matches(rule, method, path));
    if (!hit) return undefined;
    hit.left -= 1;
    return hit.rule;
  }

  function cors(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    return origin
      ? {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': EXPOSE,
          vary: 'Origin',
        }
      : {};
  }

  function pass(
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxiedRequest,
    fault: Fault | undefined,
  ): void {
    const headers = { ...req.headers, host: upstream.host };
    const outgoing = forward(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers },
      (answer) => {
        entry.upstreamStatus = answer.statusCode ?? 0;
        entry.replayed = answer.headers['idempotent-replayed'] === 'true';
        if (fault?.dropResponse) {
          answer.resume();
          answer.on('end', () => {
            entry.status = 0;
            req.socket.destroy();
          });
          return;
        }
        entry.status = answer.statusCode ?? 0;
        if (!fault?.corrupt) {
          res.writeHead(entry.status, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = corrupted(Buffer.concat(chunks).toString('utf8'), fault.corrupt!);
          // The length changed, and an ETag would vouch for the real body.
          const headers = { ...answer.headers };
          delete headers['content-length'];
          delete headers.etag;
          res.writeHead(entry.status ?? 200, headers);
          res.end(body);
        });
      },
    );
    outgoing.on('error', () => {
      entry.status = 0;
      res.destroy();
    });
    req.pipe(outgoing);
  }

  function act(
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxiedRequest,
    fault: Fault | undefined,
  ): void {
    if (fault?.drop) {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      const body = fault.body === undefined ? '' : JSON.stringify(fault.body);
      entry.status = fault.status;
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        // As the API does: the widget's own request id comes back, for the error's reference.
        'x-request-id': entry.requestId ?? 'req_injected',
        ...cors(req),
        ...fault.headers,
      });
      res.end(body);
      return;
    }
    pass(req, res, entry, fault);
  }

  const server: Server = createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const fault = take(method, path);
    const header = (name: string) => {
      const value = req.headers[name];
      return typeof value === 'string' ? value : null;
    };
    const entry: ProxiedRequest = {
      at: Date.now(),
      method,
      path,
      status: null,
      upstreamStatus: null,
      fault: kindOf(fault),
      idempotencyKey: header('idempotency-key'),
      requestId: header('x-request-id'),
      sessionId: header('x-tessera-session'),
      replayed: false,
      token: tokenOf(header('authorization') ?? undefined),
    };
    if (method !== 'OPTIONS') {
      log.push(entry);
      if (log.length > MAX_LOG) log = log.slice(-MAX_LOG);
    }
    const go = () => act(req, res, entry, fault);
    const afterDelay = () => (fault?.delayMs ? setTimeout(go, fault.delayMs) : go());
    if (fault?.hold) {
      const release = () => {
        held.delete(release);
        afterDelay();
      };
      held.add(release);
      // A request the page gave up on is not released into the API later.
      res.once('close', () => held.delete(release));
    } else {
      afterDelay();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function releaseHeld(): number {
    const waiting = [...held];
    for (const release of waiting) release();
    return waiting.length;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    add(added) {
      for (const rule of added) rules.push({ rule, left: rule.times ?? 1 });
    },
    log: () => log,
    pending: () =>
      rules.filter(({ left }) => left > 0).map(({ rule, left }) => ({ ...rule, times: left })),
    releaseHeld,
    reset() {
      rules.length = 0;
      log = [];
      releaseHeld();
    },
    async close() {
      held.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
