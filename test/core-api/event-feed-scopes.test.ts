import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DOMAIN_EVENT_TYPES,
  EVENT_READ_SCOPES,
  SCOPES,
  type DomainEventType,
  type Scope,
} from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { fillAndSubmit, idempotencyKey } from './flows.ts';
import { startTestStack, type TestStack } from './helpers.ts';

let stack: TestStack;
let accountId: string;
before(async () => {
  stack = await startTestStack();
  // One account with an event of every type: a quote accepted and one declined, an onboarding
  // submitted (which also updates the account) and an account update of its own.
  const seed = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
  const second = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
  accountId = seed.account_id;
  const all = await stack.token([...SCOPES], { subject: accountId });
  const accepted = await stack.call('POST', `/v1/quotes/${seed.quotes.open}/accept`, {
    token: all,
    body: { signer_name: 'Lena Schäfer', signer_email: 'lena@example.com', accept_terms: true },
    headers: idempotencyKey(),
  });
  assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
  // The second account's open quote is not this account's: declining is done for it.
  const declined = await stack.call('POST', `/v1/quotes/${second.quotes.open}/decline`, {
    token: await stack.token(['quote:accept'], { subject: second.account_id }),
    body: {},
    headers: idempotencyKey(),
  });
  assert.equal(declined.status, 200, JSON.stringify(declined.body));
  const submitted = await fillAndSubmit(stack, accountId);
  assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
  const account = await stack.call('GET', `/v1/accounts/${accountId}`, { token: all });
  const updated = await stack.call('PATCH', `/v1/accounts/${accountId}`, {
    token: all,
    body: { legal_name: 'Nordlicht Analytics SE' },
    headers: { ...idempotencyKey(), 'if-match': `"${account.body.version}"` },
  });
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
});
after(() => stack.close());

async function feedTypes(scopes: Scope[]): Promise<Set<DomainEventType>> {
  const page = await stack.call('GET', '/v1/events?after=0&limit=100', {
    token: await stack.token(scopes, { subject: accountId }),
  });
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return new Set((page.body.data as { type: DomainEventType }[]).map((event) => event.type));
}

describe('event feed scopes: a token reads only events about resources its scopes can read', () => {
  it('shows a quote:read token its quote events and none of the account or the onboarding values', async () => {
    const page = await stack.call('GET', '/v1/events?after=0&limit=100', {
      token: await stack.token(['quote:read'], { subject: accountId }),
    });
    assert.equal(page.status, 200);
    const types = (page.body.data as { type: string }[]).map((event) => event.type);
    assert.ok(types.includes('quote.accepted'), 'its own quote events');
    assert.deepEqual(
      types.filter((type) => !type.startsWith('quote.')),
      [],
      'no account.updated or onboarding.submitted',
    );
    const text = JSON.stringify(page.body);
    for (const secret of ['billing_email', 'tax_id', 'registration_number'])
      assert.ok(!text.includes(secret), `${secret} never reaches a quote:read token`);
  });

  it('shows each read scope exactly the event types the contracts give it', async () => {
    const all = await feedTypes([...SCOPES]);
    assert.deepEqual(
      [...all].sort(),
      DOMAIN_EVENT_TYPES.filter((type) => type !== 'quote.declined').sort(),
      'the account has every type but quote.declined (another account declined)',
    );
    for (const scope of new Set(Object.values(EVENT_READ_SCOPES))) {
      const expected = [...all].filter((type) => EVENT_READ_SCOPES[type] === scope);
      assert.deepEqual([...(await feedTypes([scope]))].sort(), expected.sort(), scope);
    }
    assert.deepEqual([...(await feedTypes(['account:read', 'onboarding:read']))].sort(), [
      'account.updated',
      'onboarding.submitted',
    ]);
  });

  it('refuses a token with no read scope with 403 insufficient_scope naming the scopes that read the feed', async () => {
    for (const scopes of [['quote:accept'], ['onboarding:write'], ['account:write']] as Scope[][]) {
      const reply = await stack.call('GET', '/v1/events?after=0', {
        token: await stack.token(scopes, { subject: accountId }),
      });
      assert.equal(reply.status, 403, `${scopes.join(' ')}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.error.code, 'insufficient_scope');
      assert.deepEqual(String(reply.body.error.details.required_scope).split(' ').sort(), [
        'account:read',
        'onboarding:read',
        'quote:read',
      ]);
      assert.match(reply.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    }
  });

  it('fills a page with readable events: limit counts only what the token may see', async () => {
    const page = await stack.call('GET', '/v1/events?after=0&limit=1', {
      token: await stack.token(['account:read'], { subject: accountId }),
    });
    assert.equal(page.status, 200);
    assert.deepEqual(
      (page.body.data as { type: string }[]).map((event) => event.type),
      ['account.updated'],
    );
    assert.equal(page.body.has_more, true, 'the onboarding update and the PATCH are both there');
  });
});
