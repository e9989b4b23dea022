import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Server } from 'node:http';
import { boundUrl, closeServer, connectionLimits, listen } from '../../service-kit/http/listen.ts';
import { rawExchange, type RawResponse } from '../fuzz/support/http.ts';
import { startTestStack, type TestStack } from '../core-api/helpers.ts';

const hello = () => new Response('hello');

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent once it closes the connection. */
function closed(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => {
    if (socket.destroyed) resolve(Buffer.alloc(0));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', () => undefined);
  });
}

function malformed(answer: RawResponse | undefined): void {
  assert.ok(answer, 'an answer, not a bare close');
  assert.equal(answer.status, 400);
  const envelope = answer.json as { error?: { code?: string; request_id?: string } };
  assert.equal(envelope.error?.code, 'malformed_request', answer.text);
  assert.equal(answer.header('x-request-id'), envelope.error?.request_id);
}

describe('connection limits, as small values a test can configure', () => {
  it('reads TESSERA_HTTP_* and falls back to deliberate defaults', () => {
    assert.deepEqual(
      connectionLimits({
        TESSERA_HTTP_HEADERS_TIMEOUT_MS: '500',
        TESSERA_HTTP_MAX_CONNECTIONS: '7',
      }),
      {
        headersTimeoutMs: 500,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 65_000,
        maxConnections: 7,
      },
    );
    assert.throws(
      () => connectionLimits({ TESSERA_HTTP_MAX_CONNECTIONS: 'lots' }),
      /TESSERA_HTTP_MAX_CONNECTIONS/,
    );
  });

  it('cuts off a client that sends its headers byte by byte slower than headersTimeout, before it is done', async () => {
    const server = await listen(hello, '127.0.0.1', 0, undefined, {
      headersTimeoutMs: 200,
      requestTimeoutMs: 400,
      keepAliveTimeoutMs: 1000,
      maxConnections: 10,
    });
    try {
      const socket = await open(boundUrl(server, '127.0.0.1', 0).url);
      const answer = closed(socket);
      const request = Buffer.from(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ${'a'.repeat(400)}\r\n\r\n`,
      );
      let sent = 0;
      // One byte every 50 ms would take 20 s; the server must close the connection long before.
      while (sent < request.length && !socket.destroyed && socket.writable) {
        socket.write(request.subarray(sent, sent + 1));
        sent += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const bytes = await answer;
      assert.ok(sent < request.length, `the server waited for all ${request.length} bytes`);
      assert.match(bytes.toString('latin1'), /^HTTP\/1\.1 408 /);
    } finally {
      await closeServer(server);
    }
  });

  it('refuses a connection beyond maxConnections, and serves again once one closes', async () => {
    const server = (await listen(hello, '127.0.0.1', 0, undefined, {
      headersTimeoutMs: 60_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 60_000,
      maxConnections: 2,
    })) as Server;
    const { url } = boundUrl(server, '127.0.0.1', 0);
    try {
      const held = [await open(url), await open(url)];
      const extra = await open(url);
      const extraAnswer = await closed(extra);
      assert.equal(extraAnswer.length, 0, 'the third connection is closed without an answer');
      held[0]!.destroy();
      await new Promise((resolve) => held[0]!.once('close', resolve));
      const served = await rawExchange(
        url,
        Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      );
      assert.equal(served?.status, 200);
      assert.equal(served?.text, 'hello');
      held[1]!.destroy();
    } finally {
      server.closeAllConnections();
      await closeServer(server);
    }
  });
});

describe('an HTTP/1.1 request without Host gets the envelope, on both services', () => {
  let stack: TestStack;
  before(async () => {
    stack = await startTestStack();
  });
  after(() => stack.close());

  for (const service of ['token service', 'core API'] as const) {
    it(`${service}: 400 malformed_request with a body, not a bare 400`, async () => {
      const url = service === 'core API' ? stack.api.url : stack.tokenService.url;
      const answer = await rawExchange(
        url,
        Buffer.from('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'),
      );
      malformed(answer);
    });
  }

  it('still serves an HTTP/1.0 request without Host, which the protocol allows', async () => {
    const answer = await rawExchange(stack.api.url, Buffer.from('GET /healthz HTTP/1.0\r\n\r\n'));
    assert.equal(answer?.status, 200, answer?.text);
  });
});
