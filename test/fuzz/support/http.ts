/**
 * A raw HTTP/1.1 client over a TCP socket. `fetch` refuses to send what an attacker sends (CR/LF
 * or NUL in a header, bytes above 0xFF, a malformed request line), so hostile requests are written
 * byte for byte here, and the answer is parsed just as plainly.
 */
import { connect } from 'node:net';

export type HeaderValue = string | Buffer;

export interface RawRequest {
  method: string;
  /** The request target exactly as sent: `/v1/quotes/%00?x=1`. */
  target: string;
  /** In order; names and values are sent as given (a string value is sent as UTF-8). */
  headers?: readonly (readonly [string, HeaderValue])[];
  body?: Buffer | string;
  /** Leave out the `Content-Length` this client adds for a body. */
  noContentLength?: boolean;
}

export interface RawResponse {
  status: number;
  /** Lower-cased names; a header sent twice keeps every value. */
  headers: Map<string, string[]>;
  /** The first value of a header, or undefined. */
  header(name: string): string | undefined;
  body: Buffer;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/**
 * Only a safety net, so a hang fails the test instead of stalling the run: an answer is never
 * judged on how long it took.
 */
export const NO_ANSWER_MS = 60_000;

function encodeHead(base: URL, request: RawRequest, bodyLength: number | undefined): Buffer {
  const parts: Buffer[] = [Buffer.from(`${request.method} ${request.target} HTTP/1.1\r\n`)];
  const names = new Set((request.headers ?? []).map(([name]) => name.toLowerCase()));
  const line = (name: string, value: HeaderValue) =>
    parts.push(Buffer.from(`${name}: `), Buffer.from(value), Buffer.from('\r\n'));
  if (!names.has('host')) line('Host', base.host);
  for (const [name, value] of request.headers ?? []) line(name, value);
  if (!names.has('connection')) line('Connection', 'close');
  if (bodyLength !== undefined && !request.noContentLength && !names.has('content-length'))
    line('Content-Length', String(bodyLength));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

/** Parses one complete response out of `data`, or returns undefined while it is incomplete. */
export function parseResponse(data: Buffer, ended: boolean): RawResponse | undefined {
  const split = data.indexOf('\r\n\r\n');
  if (split === -1) return undefined;
  const head = data.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]);
  const headers = new Map<string, string[]>();
  for (const raw of head.slice(1)) {
    const colon = raw.indexOf(':');
    const name = raw.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), raw.slice(colon + 1).trim()]);
  }
  const rest = data.subarray(split + 4);
  let body: Buffer;
  const length = headers.get('content-length')?.[0];
  if (length !== undefined) {
    if (rest.length < Number(length)) return undefined;
    body = rest.subarray(0, Number(length));
  } else if (headers.get('transfer-encoding')?.[0]?.toLowerCase() === 'chunked') {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const eol = rest.indexOf('\r\n', at);
      if (eol === -1) return undefined;
      const size = parseInt(rest.subarray(at, eol).toString('latin1'), 16);
      if (size === 0) break;
      if (rest.length < eol + 2 + size + 2) return undefined;
      chunks.push(rest.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(chunks);
  } else if (status === 204 || status === 304) {
    body = Buffer.alloc(0);
  } else {
    if (!ended) return undefined;
    body = rest;
  }
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, header: (name) => headers.get(name)?.[0], body, text, json };
}

/** Sends one request on a fresh connection and resolves with the parsed answer. */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const bytes = Buffer.concat([encodeHead(base, request, body?.length), body ?? Buffer.alloc(0)]);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (ended: boolean) => {
      if (done) return;
      const parsed = parseResponse(Buffer.concat(chunks), ended);
      if (parsed) {
        done = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(parsed);
      } else if (ended) {
        done = true;
        clearTimeout(timer);
        reject(
          new Error(
            `the server closed the connection without a complete answer to ${request.method} ${request.target.slice(0, 80)}: ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 200))}`,
          ),
        );
      }
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(new Error(`no answer to ${request.method} ${request.target.slice(0, 80)} (a hang)`));
    }, NO_ANSWER_MS);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // A server may close while we still write a body it refused: the answer already read counts.
    socket.on('error', () => finish(true));
    socket.write(bytes);
  });
}

/**
 * Writes `bytes` as they are (a request this client would not form) and half-closes; resolves
 * with the answer parsed, or undefined when the server closed without one.
 */
export function rawExchange(baseUrl: string, bytes: Buffer): Promise<RawResponse | undefined> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no answer to ${JSON.stringify(bytes.toString('latin1').slice(0, 80))} (a hang)`),
      );
    }, NO_ANSWER_MS);
    const done = () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks), true));
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (parseResponse(Buffer.concat(chunks), false)) {
        socket.destroy();
        done();
      }
    });
    socket.on('close', done);
    socket.on('error', done);
    socket.end(bytes);
  });
}

export interface StreamedUpload {
  /** The answer, if one came before the connection closed. */
  response: RawResponse | undefined;
  /** Body bytes the client had handed to the socket when the answer's first byte arrived. */
  sentBeforeAnswer: number;
  total: number;
}

/**
 * Sends `head` and then `total` body bytes in chunks (framed as `chunked` when asked), waiting
 * for the socket to drain between chunks, and notes how much of the body was out when the
 * answer began. A server that answers before reading the whole body answers early; one that
 * buffers the whole body first cannot.
 */
export function streamUpload(
  baseUrl: string,
  init: {
    method: string;
    target: string;
    headers: readonly (readonly [string, string])[];
    total: number;
    chunked: boolean;
    chunkBytes?: number;
  },
): Promise<StreamedUpload> {
  const base = new URL(baseUrl);
  const chunkBytes = init.chunkBytes ?? 64 * 1024;
  const headers: (readonly [string, string])[] = [
    ...init.headers,
    init.chunked ? ['Transfer-Encoding', 'chunked'] : ['Content-Length', String(init.total)],
  ];
  const head = encodeHead(base, { method: init.method, target: init.target, headers }, undefined);
  const filler = Buffer.alloc(chunkBytes, 0x61);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(base.port), base.hostname);
    const received: Buffer[] = [];
    let sent = 0;
    let sentBeforeAnswer = -1;
    let settled = false;
    const timer = setTimeout(() => {
      settle(new Error(`no answer to ${init.method} ${init.target} (a hang)`));
    }, NO_ANSWER_MS);
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) return reject(error);
      resolve({
        response: parseResponse(Buffer.concat(received), true),
        sentBeforeAnswer: sentBeforeAnswer === -1 ? sent : sentBeforeAnswer,
        total: init.total,
      });
    };
    socket.on('data', (chunk: Buffer) => {
      if (sentBeforeAnswer === -1) sentBeforeAnswer = sent;
      received.push(chunk);
      if (parseResponse(Buffer.concat(received), false)) settle();
    });
    socket.on('close', () => settle());
    socket.on('error', () => settle());
    const pump = () => {
      while (!settled && sent < init.total) {
        const size = Math.min(chunkBytes, init.total - sent);
        const piece = filler.subarray(0, size);
        const framed = init.chunked
          ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from('\r\n')])
          : piece;
        sent += size;
        if (!socket.write(framed)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (!settled && init.chunked) socket.write('0\r\n\r\n');
    };
    socket.write(head);
    pump();
  });
}
