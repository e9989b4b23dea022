import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TEST_REDIS_URL, mintBody, startTestService, type TestService } from './helpers.ts';

async function burstOf(service: TestService, secret: string, count: number) {
  return Promise.all(Array.from({ length: count }, () => service.mint(secret, mintBody())));
}

describe('per-partner rate limit, in memory', () => {
  let service: TestService;
  after(() => service?.close());

  it('lets a burst through, then answers 429 rate_limited with Retry-After and RateLimit headers', async () => {
    service = await startTestService();
    const { key } = await service.createPartner({ rate_limit: { per_second: 2, burst: 5 } });
    const responses = await burstOf(service, key.secret, 12);
    const ok = responses.filter((response) => response.status === 201);
    const limited = responses.filter((response) => response.status === 429);
    assert.equal(ok.length, 5, 'exactly the burst gets through');
    assert.equal(limited.length, 7);
    const refused = limited[0]!;
    assert.equal(refused.body.error?.code, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(refused.headers.get('ratelimit-limit'), '2', 'the limit of the one-second window');
    assert.equal(refused.headers.get('ratelimit-remaining'), '0');
    assert.ok(ok[0]!.headers.get('ratelimit-remaining'));
  });

  it('limits each partner on its own', async () => {
    const a = await service.createPartner({ rate_limit: { per_second: 1, burst: 1 } });
    const b = await service.createPartner({ rate_limit: { per_second: 1, burst: 1 } });
    assert.equal((await service.mint(a.key.secret, mintBody())).status, 201);
    assert.equal((await service.mint(a.key.secret, mintBody())).status, 429);
    assert.equal((await service.mint(b.key.secret, mintBody())).status, 201);
  });

  it('spends the burst reserve once: the next second allows only the sustained rate', async () => {
    const { key } = await service.createPartner({ rate_limit: { per_second: 2, burst: 6 } });
    const first = await burstOf(service, key.secret, 10);
    assert.equal(first.filter((response) => response.status === 201).length, 6);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await burstOf(service, key.secret, 10);
    assert.equal(second.filter((response) => response.status === 201).length, 2);
  });

  it('refuses a burst below the sustained rate, naming the field', async () => {
    const response = await service.admin<{
      error: { code: string; details: { fields: { path: string }[] } };
    }>('POST', '/partners', {
      name: 'Odd limits',
      origins: ['https://shop.example'],
      scopes: ['quote:read'],
      rate_limit: { per_second: 50, burst: 3 },
    });
    assert.equal(response.status, 400);
    assert.deepEqual(
      response.body.error.details.fields.map((field) => field.path),
      ['rate_limit.burst'],
    );
  });

  it('refills at the sustained rate', async () => {
    const { key } = await service.createPartner({ rate_limit: { per_second: 2, burst: 2 } });
    assert.deepEqual(
      (await burstOf(service, key.secret, 3)).map((response) => response.status).sort(),
      [201, 201, 429],
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal((await service.mint(key.secret, mintBody())).status, 201);
  });
});

describe('per-partner rate limit shared through the real Redis', () => {
  it('limits over HTTP with REDIS_URL set', async () => {
    const service = await startTestService({ REDIS_URL: TEST_REDIS_URL });
    try {
      const { key } = await service.createPartner({ rate_limit: { per_second: 1, burst: 3 } });
      const statuses = (await burstOf(service, key.secret, 6)).map((response) => response.status);
      assert.equal(statuses.filter((status) => status === 201).length, 3);
      assert.equal(statuses.filter((status) => status === 429).length, 3);
    } finally {
      await service.close();
    }
  });

  it('refuses to start when REDIS_URL does not answer, saying so', async () => {
    await assert.rejects(
      startTestService({ REDIS_URL: 'redis://127.0.0.1:1' }),
      /REDIS_URL is set but Redis at 127\.0\.0\.1:1 does not answer/,
    );
  });
});
