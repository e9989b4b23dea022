import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestService, tempPgSchema } from '../token-service/helpers.ts';

// Two replicas of a fresh deployment start at the same moment on an empty database. In one
// process their awaits interleave every time, so the race is not left to chance.
describe('token-service instances started together on an empty PostgreSQL', () => {
  it('all start, and share one active and one next signing key', async () => {
    const schema = await tempPgSchema();
    const started = await Promise.allSettled(
      Array.from({ length: 3 }, () => startTestService({ DATABASE_URL: schema.url })),
    );
    const services = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    try {
      assert.deepEqual(
        started
          .filter((result) => result.status === 'rejected')
          .map((result) => String(result.reason)),
        [],
        'no instance failed to start',
      );
      const keys = await Promise.all(
        services.map((service) =>
          service.admin<{ data: { kid: string; state: string }[] }>('GET', '/keys'),
        ),
      );
      const views = keys.map(({ body }) =>
        body.data
          .map((key) => `${key.state} ${key.kid}`)
          .sort()
          .join(', '),
      );
      assert.equal(
        new Set(views).size,
        1,
        `every instance sees the same keys: ${views.join(' | ')}`,
      );
      assert.deepEqual(keys[0]!.body.data.map((key) => key.state).sort(), ['active', 'next']);
    } finally {
      await Promise.all(services.map((service) => service.close()));
      await schema.drop();
    }
  });
});
