import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorEnvelope } from '../../contracts/index.ts';
import { mintBody, startTestService } from './helpers.ts';

describe('when the database stops answering', () => {
  it('answers 503 service_unavailable (retryable), never a 500, and /readyz says not ready', async () => {
    const service = await startTestService();
    const { key } = await service.createPartner();
    assert.equal((await service.mint(key.secret, mintBody())).status, 201, 'the key is now cached');
    await service.state.store.close();

    const refused = await service.mint(key.secret, mintBody());
    assert.equal(refused.status, 503);
    assert.equal(ErrorEnvelope.parse(refused.body).error.code, 'service_unavailable');
    const fresh = await service.mint('tsk_test_uncachedKeyuncachedKeyuncachedKey00000', mintBody());
    assert.equal(fresh.status, 503, 'a lookup that needs the database fails the same way');

    const ready = await fetch(`${service.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(((await ready.json()) as { checks: unknown }).checks, {
      signing_key: 'ok',
      database: 'unavailable',
    });
    assert.equal(
      (await fetch(`${service.url}/healthz`)).status,
      200,
      'the process itself is alive',
    );
    assert.ok(
      !service.logs.some((line) => line.msg === 'unhandled error'),
      'no unhandled error was logged',
    );
    await service.close();
  });
});
