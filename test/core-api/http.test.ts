import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Account, OnboardingApplication, Quote } from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { ORIGIN, startTestStack, type TestStack } from './helpers.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack.close());

const key = () => ({ 'idempotency-key': randomUUID() });

describe('authorization: a token reaches only its own account, through a linked partner', () => {
  it('answers 404 to a partner naming a customer it is not linked to, on every resource', async () => {
    const other = await stack.tokenService.createPartner({
      scopes: ['quote:read', 'account:read', 'onboarding:read'],
      origins: [ORIGIN],
    });
    const token = await stack.token(['quote:read', 'account:read', 'onboarding:read'], {
      secret: other.key.secret,
    });
    for (const path of [
      `/v1/quotes/${stack.seed.quotes.open}`,
      `/v1/accounts/${stack.seed.account_id}`,
      `/v1/onboarding/${stack.seed.onboarding_id}`,
    ]) {
      const response = await stack.call('GET', path, { token });
      assert.equal(response.status, 404, path);
      assert.equal(response.body.error.code, 'not_found');
    }
  });

  it("answers 404, never 403, for another account's quote of the same partner, and leaks none of it", async () => {
    const second = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const token = await stack.token(['quote:read']);
    const response = await stack.call('GET', `/v1/quotes/${second.quotes.open}`, { token });
    assert.equal(response.status, 404);
    assert.ok(!JSON.stringify(response.body).includes(second.account_id));
  });
});

describe('idempotency under concurrency', () => {
  it('accepts a quote exactly once when ten requests race with one Idempotency-Key', async () => {
    const fresh = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const token = await stack.token(['quote:accept'], { subject: fresh.account_id });
    const headers = key();
    const body = {
      signer_name: 'Ada Lovelace',
      signer_email: 'ada@example.com',
      accept_terms: true,
    };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        stack.call('POST', `/v1/quotes/${fresh.quotes.open}/accept`, { token, body, headers }),
      ),
    );
    assert.deepEqual(
      responses.map((response) => response.status),
      Array(10).fill(200),
    );
    const first = JSON.stringify(responses[0]!.body);
    for (const response of responses) assert.equal(JSON.stringify(response.body), first);
    assert.equal(Quote.parse(responses[0]!.body).status, 'accepted');
    const feed = await stack.call('GET', '/v1/events?after=0', {
      token: await stack.token(['quote:read'], { subject: fresh.account_id }),
    });
    assert.equal(
      feed.body.data.filter(
        (event: { type: string; data: { id: string } }) =>
          event.type === 'quote.accepted' && event.data.id === fresh.quotes.open,
      ).length,
      1,
    );
  });
});

describe('events feed', () => {
  it("carries the request id and the widget session id, and shows a customer only its own account's events", async () => {
    const fresh = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const token = await stack.token(['quote:accept', 'quote:read'], { subject: fresh.account_id });
    const declined = await stack.call('POST', `/v1/quotes/${fresh.quotes.open}/decline`, {
      token,
      body: { reason: 'Too expensive' },
      headers: { ...key(), 'x-request-id': 'req-events-1', 'x-tessera-session': 'sess-42' },
    });
    assert.equal(declined.status, 200);
    const feed = await stack.call('GET', '/v1/events?after=0&limit=100', { token });
    const event = feed.body.data.find(
      (candidate: { type: string }) => candidate.type === 'quote.declined',
    );
    assert.equal(event.caller_request_id, 'req-events-1');
    assert.equal(event.session_id, 'sess-42');
    assert.equal(event.data.decline_reason, 'Too expensive');
    const others = await stack.call('GET', '/v1/events?after=0&limit=100', {
      token: await stack.token(['quote:read']),
    });

    assert.deepEqual(
      others.body.data.filter(
        (candidate: { account_id: string }) => candidate.account_id !== stack.seed.account_id,
      ),
      [],
      'another customer sees none of these events',
    );
    const page = await stack.call('GET', `/v1/events?after=${event.cursor}`, { token });
    assert.deepEqual(
      page.body.data.filter((candidate: { cursor: number }) => candidate.cursor <= event.cursor),
      [],
      'the next page starts after the cursor',
    );
    assert.equal(
      (await stack.call('GET', '/v1/events?after=-1', { token })).body.error.code,
      'validation_failed',
    );
    const line = stack.logs.find((entry) => entry.request_id === 'req-events-1');
    assert.equal(line?.session_id, 'sess-42', 'the access log carries the session id too');
  });
});

describe('onboarding, end to end', () => {
  it('saves drafts step by step, refuses bad tax ids and regions per field, submits, and updates the account', async () => {
    const fresh = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const token = await stack.token(['onboarding:read', 'onboarding:write', 'account:read'], {
      subject: fresh.account_id,
    });
    const started = await stack.call('POST', '/v1/onboarding', { token, headers: key() });
    assert.equal(started.status, 200, 'resumes the seeded application');
    let application = OnboardingApplication.parse(started.body);
    assert.equal(application.id, fresh.onboarding_id);
    const patch = async (step: string, values: unknown) => {
      const response = await stack.call('PATCH', `/v1/onboarding/${application.id}`, {
        token,
        body: { step, values },
        headers: { ...key(), 'if-match': `"${application.version}"` },
      });
      if (response.status === 200) application = OnboardingApplication.parse(response.body);
      return response;
    };
    const badTax = await patch('company', { country: 'DE', tax_id: 'DE12' });
    assert.equal(badTax.status, 400);
    assert.deepEqual(
      badTax.body.error.details.fields.map((field: { path: string }) => field.path),
      ['values.tax_id'],
    );
    const badRegion = await patch('company', { country: 'DE', region: 'US-CA' });
    assert.deepEqual(
      badRegion.body.error.details.fields.map((field: { path: string }) => field.path),
      ['values.region'],
    );
    assert.equal(
      (
        await patch('company', {
          legal_name: 'Muster GmbH',
          registration_number: 'HRB 12345',
          country: 'DE',
          region: 'DE-BE',
          tax_id: 'DE123456789',
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await patch('contact', {
          name: 'Erika Muster',
          email: 'erika@muster.example',
          phone: '+4930123456',
        })
      ).status,
      200,
    );
    const early = await stack.call('POST', `/v1/onboarding/${application.id}/submit`, {
      token,
      headers: key(),
    });
    assert.equal(early.status, 422);
    assert.equal(early.body.error.code, 'onboarding_incomplete');
    assert.ok(
      early.body.error.details.fields.some((field: { path: string }) =>
        field.path.startsWith('billing'),
      ),
    );
    assert.equal(
      (
        await patch('billing', {
          address: {
            line1: 'Unter den Linden 1',
            city: 'Berlin',
            postal_code: '10117',
            country: 'DE',
            region: 'DE-BE',
          },
          billing_email: 'billing@muster.example',
          currency: 'EUR',
        })
      ).status,
      200,
    );
    assert.equal((await patch('review', { accept_terms: true })).status, 200);
    assert.ok(application.steps.every((step) => step.complete));
    const submitted = await stack.call('POST', `/v1/onboarding/${application.id}/submit`, {
      token,
      headers: key(),
    });
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    assert.equal(OnboardingApplication.parse(submitted.body).status, 'submitted');
    const account = Account.parse(
      (await stack.call('GET', `/v1/accounts/${fresh.account_id}`, { token })).body,
    );
    assert.equal(account.legal_name, 'Muster GmbH');
    assert.equal(account.tax_id, 'DE123456789');
    assert.equal(account.billing_email, 'billing@muster.example');
    const readOnly = await stack.call('PATCH', `/v1/onboarding/${application.id}`, {
      token,
      body: { step: 'contact', values: { name: 'X' } },
      headers: { ...key(), 'if-match': `"${application.version + 1}"` },
    });
    assert.equal(readOnly.body.error.code, 'onboarding_submitted');
    const again = await stack.call('POST', '/v1/onboarding', { token, headers: key() });
    assert.equal(again.status, 200, 'onboarding happens once: no new application');
    assert.equal(again.body.id, application.id, 'the submitted application answers');
    assert.equal(again.body.status, 'submitted');
  });
});

describe('Tessera-Simulate (test-mode partners only)', () => {
  const cases: [string, number, string][] = [
    ['rate_limited', 429, 'rate_limited'],
    ['server_error', 500, 'internal_error'],
    ['token_expired', 401, 'token_expired'],
    ['conflict', 412, 'version_conflict'],
  ];
  for (const [simulate, status, code] of cases) {
    it(`answers ${simulate} as ${status} ${code}`, async () => {
      const token = await stack.token(['quote:read']);
      const response = await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, {
        token,
        headers: { 'tessera-simulate': simulate },
      });
      assert.equal(response.status, status);
      assert.equal(response.body.error.code, code);
      assert.equal(response.headers.get('tessera-simulated'), simulate);
    });
  }
  it('answers slow after a delay, with the real data', async () => {
    const token = await stack.token(['quote:read']);
    const response = await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, {
      token,
      headers: { 'tessera-simulate': 'slow' },
    });
    assert.equal(response.status, 200);
    assert.equal(Quote.parse(response.body).id, stack.seed.quotes.open);
  });
  it('refuses an unknown simulation, and any simulation for a live-mode partner', async () => {
    const token = await stack.token(['quote:read']);
    assert.equal(
      (
        await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, {
          token,
          headers: { 'tessera-simulate': 'meteor' },
        })
      ).body.error.code,
      'validation_failed',
    );
    const live = await stack.tokenService.createPartner({
      mode: 'live',
      scopes: ['quote:read'],
      origins: [ORIGIN],
    });
    await seedDemo(stack.api.store, { partnerId: live.partner.id });
    const liveToken = await stack.token(['quote:read'], { secret: live.key.secret });
    const refused = await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, {
      token: liveToken,
      headers: { 'tessera-simulate': 'server_error' },
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'simulation_not_allowed');
  });
});

describe('CORS', () => {
  it("allows exactly the token's origin on data, never *, and lets a widget read its errors", async () => {
    const token = await stack.token(['quote:read']);
    const ok = await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, { token });
    assert.equal(ok.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(ok.headers.get('access-control-expose-headers') ?? '', /ETag/);
    const expired = await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, {
      token: 'not-a-token',
    });
    assert.equal(expired.status, 401);
    assert.equal(
      expired.headers.get('access-control-allow-origin'),
      ORIGIN,
      'a widget can read the error to refresh',
    );
    const elsewhere = await stack.call('GET', `/v1/quotes/${stack.seed.quotes.open}`, {
      token,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.error.code, 'origin_mismatch');
    const preflight = await fetch(`${stack.api.url}/v1/quotes/x/accept`, {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,idempotency-key,content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
    assert.notEqual(preflight.headers.get('access-control-allow-origin'), '*');
  });
});
