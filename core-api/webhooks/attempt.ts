import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { AddressRefused, hostOf, resolveTarget, type Resolver } from './address-guard.ts';

/** What one HTTP attempt gave: the receiver's status, or why there was none. */
export interface AttemptResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  retryAfter: string | undefined;
  /** The address guard refused the URL; no request was sent. */
  refused: boolean;
}

export interface AttemptOptions {
  url: string;
  mode: 'test' | 'live';
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  resolve: Resolver;
  agents: { http: http.Agent; https: https.Agent };
  signal: AbortSignal;
  /** Trust anchors for https receivers; unset: Node's default CAs. Tests pass their own. */
  ca?: string | Buffer | undefined;
}

/** How much of a receiver's answer is read before the connection is let go: enough to log. */
const MAX_ANSWER_BYTES = 1024;

/**
 * POSTs once. Redirects are never followed (a 3xx is an answer like any other, and a failure):
 * following one would send the signed body to a URL nobody checked. The connection goes to the
 * address the guard approved, whatever a second DNS lookup would say.
 */
export async function attempt(options: AttemptOptions): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(options.url);
  let target: { address: string; family: 4 | 6 };
  try {
    target = await resolveTarget(url, options.mode, options.resolve);
  } catch (error) {
    const message =
      error instanceof AddressRefused
        ? error.message
        : `DNS: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    return {
      statusCode: null,
      latencyMs: elapsed(),
      error: message,
      retryAfter: undefined,
      refused: error instanceof AddressRefused,
    };
  }
  const pinned: LookupFunction = (_hostname, opts, callback) => {
    if (opts.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const secure = url.protocol === 'https:';
  const host = hostOf(url);
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, 'latencyMs' | 'refused'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({ ...result, latencyMs: elapsed(), refused: false });
    };
    const request = (secure ? https : http).request(
      {
        method: 'POST',
        protocol: url.protocol,
        host,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(options.body),
          'user-agent': 'Tessera-Webhooks/1',
        },
        lookup: pinned,
        agent: secure ? options.agents.https : options.agents.http,
        ...(secure ? { servername: isIP(host) ? undefined : host, ca: options.ca } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        let read = 0;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          if (read < MAX_ANSWER_BYTES) chunks.push(chunk);
          read += chunk.length;
        });
        response.on('error', () => undefined);
        const done = () => {
          const location = response.headers.location;
          const answer = Buffer.concat(chunks).toString('utf8').slice(0, 200);
          finish({
            statusCode: status,
            error:
              status >= 200 && status < 300
                ? null
                : status >= 300 && status < 400
                  ? `redirect not followed${location ? ` (Location: ${location})` : ''}`
                  : `HTTP ${status}${answer ? `: ${answer}` : ''}`,
            retryAfter: response.headers['retry-after'],
          });
        };
        response.on('end', done);
        // Past the limit, the rest is not worth waiting for.
        response.on('data', () => {
          if (read >= MAX_ANSWER_BYTES) {
            done();
            response.destroy();
          }
        });
      },
    );
    const fail = (message: string) => {
      finish({ statusCode: null, error: message, retryAfter: undefined });
      request.destroy();
    };
    const timer = setTimeout(
      () => fail(`timeout after ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    const onAbort = () => fail('aborted: the worker stopped');
    options.signal.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    request.end(options.body);
  });
}
