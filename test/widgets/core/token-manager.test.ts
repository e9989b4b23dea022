import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WidgetError } from '../../../widgets/core/errors.ts';
import {
  TokenManager,
  type FetchToken,
  type FetchTokenResult,
} from '../../../widgets/core/token-manager.ts';
import { FakeClock, settle } from './fake-clock.ts';

const LIFETIME_S = 300;

function setup(
  answer: (call: number) => Promise<FetchTokenResult> = (call) =>
    Promise.resolve({ token: `tok_${call}`, expires_in: LIFETIME_S }),
) {
  const clock = new FakeClock();
  const calls: Parameters<FetchToken>[0][] = [];
  const fetchToken: FetchToken = (request) => {
    calls.push(request);
    return answer(calls.length);
  };
  // random() = 0 pins the jitter at its upper bound: refresh at exactly 80 %.
  const tokens = new TokenManager({ fetchToken, sessionId: 'ws_test', clock, random: () => 0 });
  return { clock, calls, tokens };
}

describe('TokenManager', () => {
  const storageTrap = {
    get() {
      throw new Error('the token manager touched localStorage');
    },
    configurable: true,
  };
  before(() => {
    Object.defineProperty(globalThis, 'localStorage', storageTrap);
    Object.defineProperty(globalThis, 'sessionStorage', storageTrap);
  });
  after(() => {
    Reflect.deleteProperty(globalThis, 'localStorage');
    Reflect.deleteProperty(globalThis, 'sessionStorage');
  });

  it('fetches nothing until a token is asked for', () => {
    const { calls } = setup();
    assert.equal(calls.length, 0);
  });

  it('passes the session id to fetchToken and answers its token', async () => {
    const { calls, tokens } = setup();
    assert.equal(await tokens.getToken(), 'tok_1');
    assert.deepEqual(calls, [{ sessionId: 'ws_test' }]);
  });

  it('answers the cached token without fetching again', async () => {
    const { calls, tokens, clock } = setup();
    await tokens.getToken();
    await clock.advance(60_000);
    assert.equal(await tokens.getToken(), 'tok_1');
    assert.equal(calls.length, 1);
  });

  it('shares one fetch among 50 concurrent callers', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { calls, tokens } = setup(async (call) => {
      await gate;
      return { token: `tok_${call}`, expires_in: LIFETIME_S };
    });
    const pending = Array.from({ length: 50 }, () => tokens.getToken());
    release();
    const answers = await Promise.all(pending);
    assert.equal(calls.length, 1);
    assert.deepEqual(new Set(answers), new Set(['tok_1']));
  });

  it('refreshes on its own at 80 % of the lifetime, not before', async () => {
    const { calls, tokens, clock } = setup();
    await tokens.getToken();
    await clock.advance(LIFETIME_S * 1000 * 0.8 - 1);
    assert.equal(calls.length, 1);
    await clock.advance(1);
    assert.equal(calls.length, 2);
    assert.equal(await tokens.getToken(), 'tok_2');
  });

  it('jitters the refresh by at most 10 % earlier', async () => {
    const clock = new FakeClock();
    const tokens = new TokenManager({
      fetchToken: () => Promise.resolve({ token: 't', expires_in: 100 }),
      sessionId: 'ws_test',
      clock,
      random: () => 0.999,
    });
    await tokens.getToken();
    const refreshIn = clock.scheduled.at(-1) ?? 0;
    assert.ok(refreshIn < 80_000 && refreshIn >= 72_000, `refresh in ${refreshIn} ms`);
  });

  it('reads the lifetime from expires_at when expires_in is absent', async () => {
    const clock = new FakeClock();
    const tokens = new TokenManager({
      fetchToken: () =>
        Promise.resolve({
          token: 'opaque',
          expires_at: new Date(clock.now() + 100_000).toISOString(),
        }),
      sessionId: 'ws_test',
      clock,
      random: () => 0,
    });
    await tokens.getToken();
    assert.equal(clock.scheduled.at(-1), 80_000);
  });

  it('fetches a new token after invalidate()', async () => {
    const { calls, tokens } = setup();
    await tokens.getToken();
    tokens.invalidate('tok_1');
    assert.equal(await tokens.getToken(), 'tok_2');
    assert.equal(calls.length, 2);
  });

  it('ignores an invalidate() for a token it has already replaced', async () => {
    const { calls, tokens } = setup();
    await tokens.getToken();
    tokens.invalidate('tok_1');
    await tokens.getToken();
    tokens.invalidate('tok_1');
    assert.equal(await tokens.getToken(), 'tok_2');
    assert.equal(calls.length, 2);
  });

  it('rejects with a retryable token_fetch_failed when fetchToken fails', async () => {
    const { tokens } = setup(() => Promise.reject(new Error('backend down')));
    await assert.rejects(tokens.getToken(), (error: unknown) => {
      assert.ok(error instanceof WidgetError);
      assert.equal(error.code, 'token_fetch_failed');
      assert.equal(error.retryable, true);
      assert.equal(error.sessionId, 'ws_test');
      return true;
    });
  });

  it('rejects with token_fetch_failed when fetchToken answers no token', async () => {
    const { tokens } = setup(() => Promise.resolve({ token: '', expires_in: 300 }));
    await assert.rejects(tokens.getToken(), { code: 'token_fetch_failed' });
  });

  it('rejects with token_fetch_failed when fetchToken never settles', async () => {
    const { tokens, clock } = setup(() => new Promise<never>(() => undefined));
    const rejected = assert.rejects(tokens.getToken(), { code: 'token_fetch_failed' });
    await clock.advance(15_000);
    await rejected;
  });

  it('backs off exponentially, capped, between automatic refresh attempts', async () => {
    let failing = false;
    const { calls, tokens, clock } = setup((call) =>
      failing
        ? Promise.reject(new Error('backend down'))
        : Promise.resolve({ token: `tok_${call}`, expires_in: 900 }),
    );
    await tokens.getToken();
    failing = true;
    clock.scheduled.length = 0;
    await clock.advance(720_000 + 120_000); // the refresh at 80 % fails, then the retries follow
    const refreshTimers = clock.scheduled.filter((ms) => ms !== 15_000); // not fetch timeouts
    assert.deepEqual(
      refreshTimers.slice(0, 7),
      [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000],
    );
    assert.ok(calls.length > 5);
    // The token still valid was kept through the failures.
    assert.equal(await tokens.getToken(), 'tok_1');
  });

  it('gets back to the normal schedule after a failed refresh succeeds', async () => {
    let failing = false;
    const { tokens, clock } = setup((call) =>
      failing
        ? Promise.reject(new Error('backend down'))
        : Promise.resolve({ token: `tok_${call}`, expires_in: LIFETIME_S }),
    );
    await tokens.getToken();
    failing = true;
    await clock.advance(LIFETIME_S * 800); // the refresh at 80 % fails
    failing = false;
    await clock.advance(1_000); // the first backoff retry succeeds
    assert.equal(await tokens.getToken(), 'tok_3');
    assert.equal(clock.scheduled.at(-1), LIFETIME_S * 800);
  });

  it('stops its timers on dispose() and answers nothing afterwards', async () => {
    const { calls, tokens, clock } = setup();
    await tokens.getToken();
    tokens.dispose();
    assert.equal(clock.timers.size, 0);
    await clock.advance(LIFETIME_S * 1000);
    assert.equal(calls.length, 1);
    await assert.rejects(tokens.getToken(), WidgetError);
  });

  it('never reads or writes web storage', async () => {
    const { tokens, clock } = setup();
    await tokens.getToken();
    await clock.advance(LIFETIME_S * 1000);
    tokens.invalidate();
    await tokens.getToken();
    tokens.dispose();
    await settle();
  });

  describe('with an initial token from the page', () => {
    /** A JWT with these claims (the manager reads them, it never verifies). */
    const jwt = (claims: Record<string, unknown>) =>
      `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

    function seeded(initialToken: ConstructorParameters<typeof TokenManager>[0]['initialToken']) {
      const clock = new FakeClock();
      const calls: Parameters<FetchToken>[0][] = [];
      const tokens = new TokenManager({
        fetchToken: (request) => {
          calls.push(request);
          return Promise.resolve({ token: `tok_${calls.length}`, expires_in: LIFETIME_S });
        },
        sessionId: 'ws_test',
        clock,
        random: () => 0,
        initialToken,
      });
      return { clock, calls, tokens };
    }

    it('answers a JWT until its exp without fetching, then refreshes at 80 % of what was left', async () => {
      const now = Math.floor(new FakeClock().now() / 1000);
      const initial = jwt({ iat: now - 100, exp: now + 100 });
      const { clock, calls, tokens } = seeded(initial);
      assert.equal(await tokens.getToken(), initial);
      await clock.advance(79_000);
      assert.equal(calls.length, 0);
      await clock.advance(1_000);
      await settle();
      assert.equal(calls.length, 1);
      assert.equal(await tokens.getToken(), 'tok_1');
      tokens.dispose();
    });

    it('takes { token, expires_at } as token-url answers it', async () => {
      const clock = new FakeClock();
      const expires_at = new Date(clock.now() + 60_000).toISOString();
      const { calls, tokens } = seeded({ token: 'opaque', expires_at });
      assert.equal(await tokens.getToken(), 'opaque');
      assert.equal(calls.length, 0);
      tokens.dispose();
    });

    for (const [what, initial] of [
      ['a string that is not a JWT with exp', 'not-a-jwt'],
      ['a JWT past its exp', jwt({ iat: 1, exp: 2 })],
      ['a JWT bound to a DPoP key', jwt({ exp: 4_102_444_800, cnf: { jkt: 'abc' } })],
    ] as const) {
      it(`ignores ${what}: the first getToken() fetches`, async () => {
        const { calls, tokens } = seeded(initial);
        assert.equal(await tokens.getToken(), 'tok_1');
        assert.equal(calls.length, 1);
        tokens.dispose();
      });
    }
  });
});
