import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TokenManager, fetchTokenFromUrl } from '../../../widgets/core/token-manager.ts';
import { startFaultStub, type FaultStub } from './fault-stub.ts';

describe('fetchTokenFromUrl (declarative token-url)', () => {
  let stub: FaultStub | undefined;
  after(() => stub?.close());

  it('POSTs { session_id } as JSON to the partner endpoint and reads { token, expires_at }', async () => {
    const expires_at = new Date(Date.now() + 300_000).toISOString();
    stub = await startFaultStub([{ status: 200, body: { token: 'tok_partner', expires_at } }]);
    const fetchToken = fetchTokenFromUrl(`${stub.url}/widget-token`);
    assert.deepEqual(await fetchToken({ sessionId: 'ws_abc' }), {
      token: 'tok_partner',
      expires_at,
    });
    const [request] = stub.received;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, '/widget-token');
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request?.body ?? ''), { session_id: 'ws_abc' });
  });

  it('a failing endpoint makes getToken() reject with token_fetch_failed', async () => {
    await stub?.close();
    stub = await startFaultStub([{ status: 401, body: { error: 'not signed in' } }]);
    const tokens = new TokenManager({
      sessionId: 'ws_abc',
      fetchToken: fetchTokenFromUrl(`${stub.url}/widget-token`),
    });
    await assert.rejects(tokens.getToken(), { code: 'token_fetch_failed', retryable: true });
    tokens.dispose();
  });
});
