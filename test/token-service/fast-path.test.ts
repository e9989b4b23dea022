import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, mintBody, startTestService, type TestService } from './helpers.ts';

/**
 * The token endpoints answered on plain `node:http` (the default) against the same endpoints
 * through Hono (`fastTokenRoutes: false`): for every request below, good or bad, both servers
 * give the same status, headers, body, access-log line and metrics, once what is unique to a
 * server (its partner ids and secrets, request ids, tokens, times) is put aside.
 */

interface Side {
  service: TestService;
  partner: { id: string; secret: string; keyId: string };
  /** A partner allowed one token a second, to be refused with 429. */
  slow: { id: string; secret: string; keyId: string };
}

let fast: Side;
let hono: Side;

async function side(fastTokenRoutes: boolean): Promise<Side> {
  const service = await startTestService({}, undefined, { fastTokenRoutes });
  const created = await service.createPartner({ rate_limit: { per_second: 1000, burst: 2000 } });
  const slow = await service.createPartner({ rate_limit: { per_second: 1, burst: 1 } });
  return {
    service,
    partner: { id: created.partner.id, secret: created.key.secret, keyId: created.key.id },
    slow: { id: slow.partner.id, secret: slow.key.secret, keyId: slow.key.id },
  };
}

before(async () => {
  [fast, hono] = await Promise.all([side(true), side(false)]);
});
after(() => Promise.all([fast?.service.close(), hono?.service.close()]));

interface Sent {
  method?: string;
  path: string;
  /** An array is sent as that many lines of the same header. */
  headers?: Record<string, string | string[]>;
  /** One string or buffer is sent with Content-Length; several chunks, chunked. */
  body?: string | Buffer | Buffer[];
}

interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Over a real socket, so the bytes (and the framing: length or chunked) are exactly these. */
function send(service: TestService, sent: Sent): Promise<Received> {
  const url = new URL(sent.path, service.url);
  return new Promise((resolve, reject) => {
    const chunks = Array.isArray(sent.body) ? sent.body : undefined;
    const request = httpRequest(
      url,
      {
        method: sent.method ?? 'POST',
        headers: {
          ...sent.headers,
          ...(chunks || sent.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(sent.body as string | Buffer)) }),
        },
      },
      (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(parts).toString('utf8'),
          }),
        );
      },
    );
    request.on('error', reject);
    if (chunks) for (const chunk of chunks) request.write(chunk);
    else if (sent.body !== undefined) request.write(sent.body);
    request.end();
  });
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/g;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;

/** Text with what differs between two servers by nature replaced by what it is. */
function neutral(text: string, of: Side): string {
  return text
    .replaceAll(of.partner.id, '<partner>')
    .replaceAll(of.partner.secret, '<secret>')
    .replaceAll(of.partner.keyId, '<key>')
    .replaceAll(of.slow.id, '<slow partner>')
    .replaceAll(of.slow.secret, '<slow secret>')
    .replaceAll(of.slow.keyId, '<slow key>')
    .replaceAll(of.service.url, '<url>')
    .replace(UUID, '<uuid>')
    .replace(ISO_TIME, '<time>');
}

/** A token's header and claims, with the server-specific parts made neutral. */
function tokenShape(token: string, of: Side) {
  const { header, payload } = decodeJwt(token);
  return {
    header: { ...header, kid: typeof header.kid },
    payload: JSON.parse(
      neutral(JSON.stringify({ ...payload, iat: typeof payload.iat, exp: typeof payload.exp }), of),
    ) as unknown,
    lifetime: (payload.exp as number) - (payload.iat as number),
  };
}

const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'pragma',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'www-authenticate',
  'connection',
];

/** What a client sees of an answer, neutral; plus that X-Request-Id is the id in the body. */
function observed(received: Received, of: Side) {
  const headers = Object.fromEntries(
    COMPARED_HEADERS.map((name) => [name, received.headers[name]]),
  );
  let body: unknown = received.text;
  const tokens: unknown[] = [];
  try {
    body = JSON.parse(
      received.text.replace(JWT, (token) => {
        tokens.push(tokenShape(token, of));
        return '<jwt>';
      }),
    );
  } catch {
    /* compared as text */
  }
  const requestId = received.headers['x-request-id'];
  const inBody = (body as { error?: { request_id?: string } }).error?.request_id;
  if (inBody !== undefined) assert.equal(inBody, requestId, 'the envelope names X-Request-Id');
  return {
    status: received.status,
    headers,
    body: JSON.parse(neutral(JSON.stringify(body), of)) as unknown,
    tokens,
    requestId: typeof requestId === 'string' ? neutral(requestId, of) : requestId,
  };
}

/** The access-log line of the last request, neutral, its duration aside. */
function lastAccessLine(of: Side) {
  const line = of.service.logs.findLast((entry) => 'path' in entry && 'status' in entry);
  assert.ok(line, 'an access-log line');
  const { ms, ...rest } = line;
  delete rest.time;
  assert.equal(typeof ms, 'number');
  return JSON.parse(neutral(JSON.stringify(rest), of).replace(JWT, '<jwt>')) as unknown;
}

/** The same request to both servers; what each answered and logged, side by side. */
async function both(build: (of: Side) => Sent) {
  const fastAnswer = await send(fast.service, build(fast));
  const fastLog = lastAccessLine(fast);
  const honoAnswer = await send(hono.service, build(hono));
  const honoLog = lastAccessLine(hono);
  const result = { fast: observed(fastAnswer, fast), hono: observed(honoAnswer, hono) };
  assert.deepEqual(result.fast, result.hono, 'same answer on both paths');
  assert.deepEqual(fastLog, honoLog, 'same access-log line on both paths');
  return result.fast;
}

const json = (of: Side, body: unknown = mintBody(), secret = of.partner.secret): Sent => ({
  path: '/v1/tokens',
  headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const form = (of: Side, body: string, authorization?: string): Sent => ({
  path: '/oauth/token',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    ...(authorization === undefined
      ? { authorization: basic(of.partner.id, of.partner.secret) }
      : authorization === ''
        ? {}
        : { authorization }),
  },
  body,
});

const errorCode = (answer: { body: unknown }) =>
  (answer.body as { error: { code: string } }).error.code;

describe('POST /v1/tokens answers alike on the node:http fast path and through Hono', () => {
  it('mints: 201, the same token shape, headers and log line', async () => {
    const answer = await both((of) => json(of));
    assert.equal(answer.status, 201);
    assert.equal(answer.tokens.length, 1);
    assert.equal(answer.headers['cache-control'], 'no-store');
  });

  it('echoes a well-formed X-Request-Id and a query string does not change the route', async () => {
    const answer = await both((of) => ({
      ...json(of),
      path: '/v1/tokens?from=test',
      headers: { ...json(of).headers, 'x-request-id': 'req_fast_path_0001' },
    }));
    assert.equal(answer.status, 201);
    assert.equal(answer.requestId, 'req_fast_path_0001');
  });

  it('reads header names in any case, and a repeated header as one value joined by commas', async () => {
    const mixedCase = await both((of) => ({
      ...json(of),
      headers: { AUTHORIZATION: `Bearer ${of.partner.secret}`, 'Content-Type': 'application/json' },
    }));
    assert.equal(mixedCase.status, 201);
    const repeated = await both((of) => ({
      ...json(of),
      headers: {
        authorization: [`Bearer ${of.partner.secret}`, `Bearer ${of.partner.secret}`],
        'content-type': 'application/json',
      },
    }));
    assert.equal(repeated.status, 401);
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const answer = await both((of) => json(of, '{"subject": '));
    assert.equal(answer.status, 400);
    assert.equal(errorCode(answer), 'invalid_json');
  });

  it('refuses a body that is not UTF-8 with 400 invalid_json', async () => {
    const answer = await both((of) => ({ ...json(of), body: Buffer.from([0x7b, 0xff, 0x7d]) }));
    assert.equal(errorCode(answer), 'invalid_json');
  });

  it('refuses a wrong content type with 415 unsupported_media_type', async () => {
    const answer = await both((of) => ({
      ...json(of),
      headers: { ...json(of).headers, 'content-type': 'text/plain' },
    }));
    assert.equal(answer.status, 415);
    assert.equal(errorCode(answer), 'unsupported_media_type');
  });

  it('refuses an oversize body, declared or chunked, with 400 body_too_large', async () => {
    const big = JSON.stringify({ ...mintBody(), padding: 'x'.repeat(17_000) });
    const declared = await both((of) => json(of, big));
    assert.equal(declared.status, 400);
    assert.equal(errorCode(declared), 'body_too_large');
    const chunked = await both((of) => ({
      ...json(of),
      body: [Buffer.from(big.slice(0, 9000)), Buffer.from(big.slice(9000))],
    }));
    assert.equal(errorCode(chunked), 'body_too_large');
  });

  it('refuses invalid fields and forbidden keys with 400 validation_failed naming them', async () => {
    const invalid = await both((of) => json(of, { ...mintBody(), scopes: ['quote:fly'] }));
    assert.equal(errorCode(invalid), 'validation_failed');
    const proto = await both((of) => json(of, '{"__proto__": {"x": 1}, "subject": "acct_x"}'));
    assert.equal(errorCode(proto), 'validation_failed');
  });

  it('refuses missing and unknown credentials with 401', async () => {
    const missing = await both((of) => ({
      ...json(of),
      headers: { 'content-type': 'application/json' },
    }));
    assert.equal(errorCode(missing), 'partner_key_missing');
    const unknown = await both((of) => json(of, mintBody(), `${of.partner.secret}x`));
    assert.equal(unknown.status, 401);
    assert.equal(errorCode(unknown), 'partner_key_invalid');
  });

  it('refuses a scope or an origin the partner was not granted with 403', async () => {
    const scope = await both((of) => json(of, mintBody({ scopes: ['account:write'] })));
    assert.equal(errorCode(scope), 'scope_not_granted');
    const origin = await both((of) => json(of, mintBody({ origin: 'https://evil.example' })));
    assert.equal(errorCode(origin), 'origin_not_allowed');
  });

  it('refuses past the partner rate with 429 and Retry-After', async () => {
    // One a second: within a few quick requests one is refused (the window may turn once).
    let answer;
    for (let i = 0; i < 5 && answer?.status !== 429; i++)
      answer = await both((of) => json(of, mintBody(), of.slow.secret));
    assert.equal(answer?.status, 429);
    assert.equal(errorCode(answer), 'rate_limited');
    assert.ok(Number(answer.headers['retry-after']) >= 1);
  });

  it('leaves other methods on the path to Hono: GET is 404 on both', async () => {
    const answer = await both(() => ({ method: 'GET', path: '/v1/tokens' }));
    assert.equal(answer.status, 404);
  });
});

describe('POST /oauth/token answers alike on the node:http fast path and through Hono', () => {
  it('issues a partner token with client_secret_basic and client_secret_post', async () => {
    const viaBasic = await both((of) => form(of, 'grant_type=client_credentials'));
    assert.equal(viaBasic.status, 200);
    assert.equal(viaBasic.tokens.length, 1);
    assert.equal(viaBasic.headers.pragma, 'no-cache');
    const viaPost = await both((of) =>
      form(
        of,
        new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: of.partner.id,
          client_secret: of.partner.secret,
          scope: 'partner:quotes',
        }).toString(),
        '',
      ),
    );
    assert.equal(viaPost.status, 200);
  });

  it('refuses a wrong content type, a repeated parameter and an unknown grant with 400', async () => {
    const type = await both((of) => ({
      ...form(of, 'grant_type=client_credentials'),
      headers: { ...form(of, '').headers, 'content-type': 'application/json' },
    }));
    assert.equal(type.status, 400);
    assert.equal((type.body as { error: string }).error, 'invalid_request');
    const twice = await both((of) => form(of, 'grant_type=client_credentials&scope=a&scope=b'));
    assert.equal((twice.body as { error: string }).error, 'invalid_request');
    const grant = await both((of) => form(of, 'grant_type=password'));
    assert.equal((grant.body as { error: string }).error, 'unsupported_grant_type');
  });

  it('refuses missing and wrong credentials with 401 invalid_client and a Basic challenge', async () => {
    const missing = await both((of) => form(of, 'grant_type=client_credentials', ''));
    assert.equal(missing.status, 401);
    const wrong = await both((of) =>
      form(of, 'grant_type=client_credentials', basic(of.partner.id, 'nope')),
    );
    assert.equal((wrong.body as { error: string }).error, 'invalid_client');
    assert.match(String(wrong.headers['www-authenticate']), /^Basic realm="tessera"/);
  });

  it('refuses an oversize form with 400 invalid_request', async () => {
    const answer = await both((of) =>
      form(of, `grant_type=client_credentials&x=${'y'.repeat(17_000)}`),
    );
    assert.equal(answer.status, 400);
  });

  it('refuses past the partner rate with 429 and Retry-After', async () => {
    let answer;
    for (let i = 0; i < 5 && answer?.status !== 429; i++)
      answer = await both((of) =>
        form(of, 'grant_type=client_credentials', basic(of.slow.id, of.slow.secret)),
      );
    assert.equal(answer?.status, 429);
    assert.equal((answer.body as { error: string }).error, 'rate_limited');
    assert.ok(Number(answer.headers['retry-after']) >= 1);
  });
});

describe('the fast path keeps the metrics', () => {
  it('counts the same requests, refusals and tokens as the Hono path', async () => {
    const counted = async (of: Side) => {
      const text = await (await fetch(`${of.service.url}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) =>
          /^tessera_(refusals_total|tokens_minted_total|partner_tokens_issued_total|http_request_duration_seconds_count)\{/.test(
            line,
          ),
        )
        .filter((line) => !line.includes('route="/metrics"'))
        .map((line) => neutral(line, of))
        .sort();
    };
    const [fastLines, honoLines] = [await counted(fast), await counted(hono)];
    assert.ok(fastLines.some((line) => line.includes('route="/v1/tokens"')));
    assert.ok(fastLines.some((line) => line.includes('route="/oauth/token"')));
    assert.deepEqual(fastLines, honoLines);
  });
});
