import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ORIGIN, startTestStack, type TestStack } from './helpers.ts';

const OTHER = 'https://elsewhere.example';

/**
 * A page on another origin that holds a widget's token must learn nothing of its state: its
 * requests are refused for the origin before expiry or revocation are looked at, and no refusal
 * is readable to it (no `Access-Control-Allow-Origin`). The widget on the token's own origin
 * still reads why its token was refused.
 */
describe("CORS and refusals: only the token's own origin reads them", () => {
  let stack: TestStack;
  let path: string;
  let revoked: string;
  before(async () => {
    stack = await startTestStack();
    path = `/v1/quotes/${stack.seed.quotes.open}`;
    // Nothing is verified before the suspension, so the first revocations fetch already has it.
    revoked = await stack.token(['quote:read']);
    const suspended = await stack.tokenService.admin(
      'POST',
      `/partners/${stack.partner.id}/suspend`,
    );
    assert.equal(suspended.status, 200);
  });
  after(() => stack.close());

  it('answers a revoked token from another origin origin_mismatch, with no CORS to read it by', async () => {
    const answer = await stack.call('GET', path, { token: revoked, headers: { origin: OTHER } });
    assert.equal(answer.body.error.code, 'origin_mismatch');
    assert.equal(answer.headers.get('access-control-allow-origin'), null);
  });

  it("lets the token's own origin read token_revoked", async () => {
    const answer = await stack.call('GET', path, { token: revoked, headers: { origin: ORIGIN } });
    assert.equal(answer.body.error.code, 'token_revoked');
    assert.equal(answer.headers.get('access-control-allow-origin'), ORIGIN);
  });

  it('answers token_missing and a token that is no JWT to the asking origin: the answer is about what it sent', async () => {
    const missing = await stack.call('GET', path, { headers: { origin: OTHER } });
    assert.equal(missing.body.error.code, 'token_missing');
    assert.equal(missing.headers.get('access-control-allow-origin'), OTHER);
    const garbage = await stack.call('GET', path, {
      headers: { origin: OTHER, authorization: 'Bearer not-a-jwt' },
    });
    assert.equal(garbage.body.error.code, 'token_malformed');
    assert.equal(garbage.headers.get('access-control-allow-origin'), OTHER);
  });
});
