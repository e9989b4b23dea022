import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { tempPgSchema } from '../support/postgres.ts';
import {
  adminCall,
  createPartner,
  decodeJwt,
  ORIGIN,
  spawnTokenService,
  waitFor,
  type ServiceProcess,
} from '../reliability/support/processes.ts';

/** Requests in flight at once, like a busy partner backend. */
const CONCURRENCY = 24;
/** Answers to receive before the kill: well under the issuance listing's 1 000-row page. */
const BEFORE_KILL = 400;

interface Received {
  jti: string;
  route: '/v1/tokens' | '/oauth/token';
}

/**
 * Mints on both token routes from CONCURRENCY loops until the service stops answering, keeping
 * the jti of every token a client received (a 2xx with a token in it).
 */
function mintUntilDown(
  service: ServiceProcess,
  partner: { id: string; secret: string },
): { received: Received[]; done: Promise<void> } {
  const received: Received[] = [];
  const basic = Buffer.from(`${partner.id}:${partner.secret}`).toString('base64');
  const loop = async (index: number) => {
    for (let i = 0; ; i++) {
      const widget = (index + i) % 2 === 0;
      let response: Response;
      try {
        response = widget
          ? await fetch(`${service.url}/v1/tokens`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${partner.secret}`,
                'content-type': 'application/json',
              },
              body: JSON.stringify({
                subject: `acct_kill${String(index).padStart(12, '0')}`,
                scopes: ['quote:read'],
                origin: ORIGIN,
              }),
            })
          : await fetch(`${service.url}/oauth/token`, {
              method: 'POST',
              headers: {
                authorization: `Basic ${basic}`,
                'content-type': 'application/x-www-form-urlencoded',
              },
              body: 'grant_type=client_credentials&scope=partner%3Aaccounts',
            });
      } catch {
        return; // the service is gone: nothing more was answered on this loop
      }
      let body: { token?: string; access_token?: string };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        return; // killed between the head and the body: this answer never fully arrived
      }
      const token = body.token ?? body.access_token;
      assert.ok(response.ok, `mint answered ${response.status}`);
      assert.ok(token, 'a 2xx mint answer carries a token');
      received.push({
        jti: decodeJwt(token).payload.jti as string,
        route: widget ? '/v1/tokens' : '/oauth/token',
      });
    }
  };
  return {
    received,
    done: Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => loop(index))).then(
      () => undefined,
    ),
  };
}

async function killMidLoadAndAudit(env: Record<string, string>): Promise<void> {
  const first = await spawnTokenService('audit-kill-first', env);
  let second: ServiceProcess | null = null;
  try {
    const { partner, key } = await createPartner(first, { per_second: 10_000, burst: 100_000 });
    const load = mintUntilDown(first, { id: partner.id, secret: key.secret });
    await waitFor(() => load.received.length >= BEFORE_KILL, `${BEFORE_KILL} tokens received`, {
      everyMs: 5,
    });
    await first.kill();
    await load.done;
    const received = load.received;
    assert.ok(received.length >= BEFORE_KILL);
    assert.ok(received.some((token) => token.route === '/v1/tokens'));
    assert.ok(received.some((token) => token.route === '/oauth/token'));

    second = await spawnTokenService('audit-kill-second', env, first.dataDir);
    const listed = await adminCall<{ data: { jti: string }[] }>(
      second,
      'GET',
      `/issuances?partner_id=${partner.id}&limit=1000`,
    );
    assert.equal(listed.status, 200);
    // Every row fits on the one page, so a full page would hide nothing only if it is not full.
    assert.ok(listed.body.data.length < 1000, 'the audit fits one page');
    const audited = new Set(listed.body.data.map((row) => row.jti));
    const missing = received.filter((token) => !audited.has(token.jti));
    assert.deepEqual(
      missing,
      [],
      `${missing.length} of ${received.length} tokens have no audit row`,
    );
  } finally {
    await second?.stop();
    await first.stop();
  }
}

describe('a token service killed (SIGKILL) under minting load', () => {
  it('has, after a restart, an audit row for every token a client received (embedded database)', async () => {
    await killMidLoadAndAudit({});
  });

  it('has, after a restart, an audit row for every token a client received (PostgreSQL)', async () => {
    const schema = await tempPgSchema();
    after(() => schema.drop());
    await killMidLoadAndAudit({ DATABASE_URL: schema.url });
  });
});
