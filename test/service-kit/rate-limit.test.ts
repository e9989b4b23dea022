import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { PartnerRateLimiter } from '../../service-kit/rate-limit.ts';
import { TEST_REDIS_URL } from '../support/redis.ts';

describe('per-partner rate limit shared through the real Redis', () => {
  it('holds one budget across two limiter instances (two service processes)', async () => {
    const one = new Redis(TEST_REDIS_URL);
    const two = new Redis(TEST_REDIS_URL);
    try {
      const partner = `ptn_redis${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      const limit = { per_second: 3, burst: 6 };
      const first = new PartnerRateLimiter(one);
      const second = new PartnerRateLimiter(two);
      const decisions = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? first : second).consume(partner, limit)),
      );
      assert.equal(
        decisions.filter((decision) => decision.allowed).length,
        6,
        'the burst is shared, not doubled',
      );
      const keys = await one.keys(`tessera:rl*${partner}`);
      assert.ok(keys.length > 0, 'the counters live in Redis');
    } finally {
      one.disconnect();
      two.disconnect();
    }
  });
});
