/**
 * Hostile input against every body the core API reads (quote accept and decline, onboarding
 * start, draft and submit, account update) and its event feed query; each case runs against a
 * fresh demo account, so a hostile value that is accepted goes all the way to the database and
 * must read back exactly as answered.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { Account, EventPage, OnboardingApplication, Quote } from '../../contracts/index.ts';
import { hostileKey, hostileString } from './support/arbitraries.ts';
import { assertUnharmed, jsonBodyProperties, type Prepared } from './support/bodies.ts';
import type { RawResponse } from './support/http.ts';
import { assertContractAnswer, holds } from './support/oracle.ts';
import { ORIGIN, startFuzzStack, type FuzzStack } from './support/stack.ts';

let stack: FuzzStack;
before(async () => {
  stack = await startFuzzStack();
});
beforeEach(() => stack.logs.reset());
after(() => stack.close());

function headers(token: string, extra: [string, string][] = []): [string, string][] {
  return [
    ['Authorization', `Bearer ${token}`],
    ['Origin', ORIGIN],
    ['Idempotency-Key', randomUUID()],
    ...extra,
  ];
}

/** The ETag the resource has now. */
async function etag(token: string, target: string): Promise<string> {
  const response = await stack.send('api', { method: 'GET', target, headers: headers(token) });
  assert.equal(response.status, 200, response.text);
  return response.header('etag')!;
}

/** A success must be what is stored: the resource reads back byte for byte as answered. */
function readsBack(resource: (prepared: Prepared) => string) {
  return async (response: RawResponse, prepared: Prepared) => {
    const token = prepared.headers.find(([name]) => name === 'Authorization')![1].slice(7);
    const read = await stack.send('api', {
      method: 'GET',
      target: resource(prepared),
      headers: headers(token),
    });
    assert.equal(read.status, 200, read.text);
    assert.equal(read.text, response.text, 'what was stored differs from what was answered');
  };
}

const quoteOf = (prepared: Prepared) => prepared.target.replace(/\/(accept|decline)$/, '');
const resourceOf = (prepared: Prepared) => prepared.target.replace(/\/submit$/, '');

describe('quotes: accept and decline', () => {
  jsonBodyProperties(() => stack, {
    name: 'POST /v1/quotes/:id/accept',
    to: 'api',
    method: 'POST',
    async prepare() {
      const account = await stack.account();
      return {
        target: `/v1/quotes/${account.quotes.open}/accept`,
        headers: headers(account.token),
      };
    },
    valid: { signer_name: 'Ada Lovelace', signer_email: 'ada@example.com', accept_terms: true },
    success: Quote,
    afterSuccess: readsBack(quoteOf),
  });

  jsonBodyProperties(() => stack, {
    name: 'POST /v1/quotes/:id/decline',
    to: 'api',
    method: 'POST',
    async prepare() {
      const account = await stack.account();
      return {
        target: `/v1/quotes/${account.quotes.open}/decline`,
        headers: headers(account.token),
      };
    },
    valid: { reason: 'Too expensive for this quarter.' },
    success: Quote,
    afterSuccess: readsBack(quoteOf),
  });
});

describe('onboarding: start, save a draft, submit', () => {
  jsonBodyProperties(() => stack, {
    name: 'POST /v1/onboarding',
    to: 'api',
    method: 'POST',
    async prepare() {
      const account = await stack.account();
      return { target: '/v1/onboarding', headers: headers(account.token) };
    },
    valid: {},
    success: OnboardingApplication,
  });

  jsonBodyProperties(() => stack, {
    name: 'PATCH /v1/onboarding/:id',
    to: 'api',
    method: 'PATCH',
    async prepare() {
      const account = await stack.account();
      const target = `/v1/onboarding/${account.onboarding_id}`;
      return {
        target,
        headers: headers(account.token, [['If-Match', await etag(account.token, target)]]),
      };
    },
    valid: {
      step: 'company',
      values: {
        legal_name: 'Nordlicht Analytics GmbH',
        registration_number: 'HRB 214587 B',
        country: 'DE',
        region: 'DE-BE',
        tax_id: 'DE123456789',
      },
      current_step: 'contact',
    },
    success: OnboardingApplication,
    afterSuccess: readsBack(resourceOf),
  });

  jsonBodyProperties(() => stack, {
    name: 'POST /v1/onboarding/:id/submit',
    to: 'api',
    method: 'POST',
    async prepare() {
      const account = await stack.account();
      return {
        target: `/v1/onboarding/${account.onboarding_id}/submit`,
        headers: headers(account.token),
      };
    },
    valid: {},
    success: OnboardingApplication,
    afterSuccess: readsBack(resourceOf),
  });
});

describe('accounts: update', () => {
  jsonBodyProperties(() => stack, {
    name: 'PATCH /v1/accounts/:id',
    to: 'api',
    method: 'PATCH',
    async prepare() {
      const account = await stack.account();
      const target = `/v1/accounts/${account.account_id}`;
      return {
        target,
        headers: headers(account.token, [['If-Match', await etag(account.token, target)]]),
      };
    },
    valid: {
      legal_name: 'Nordlicht Analytics GmbH',
      billing_email: 'billing@nordlicht.example',
      phone: '+493012345678',
      billing_address: {
        line1: 'Friedrichstraße 68',
        line2: '3. OG',
        city: 'Berlin',
        region: 'DE-BE',
        postal_code: '10117',
        country: 'DE',
      },
      tax_id: 'DE123456789',
      currency: 'EUR',
    },
    success: Account,
    afterSuccess: readsBack((prepared) => prepared.target),
  });
});

describe('events: the feed query', () => {
  const queryPart = fc.oneof(
    fc.constantFrom('after', 'limit', 'after[]', 'limit[0]', '__proto__', 'constructor'),
    hostileKey,
  );
  const queryValue = fc.oneof(
    fc.constantFrom('0', '1', '100', '101', '-1', '1e3', '999999999999999999999', '0x10', ''),
    hostileString,
  );
  /** Percent-encodes every byte that is not unreserved, lone surrogates as U+FFFD. */
  const encode = (text: string) =>
    [...Buffer.from(text)]
      .map((byte) =>
        /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
          ? String.fromCharCode(byte)
          : `%${byte.toString(16).padStart(2, '0')}`,
      )
      .join('');

  it('GET /v1/events: any query (repeated, unknown and prototype keys, huge values, raw %-garbage) is an event page or a catalogued 4xx', async (t) => {
    const token = await stack.token();
    await holds(
      t,
      fc.oneof(
        fc
          .array(fc.tuple(queryPart, queryValue), { maxLength: 4 })
          .map((pairs) => pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&')),
        fc.constantFrom('%', '%zz', 'after=%00', 'after=%ff', '&&=&', 'after=1&after=2', '?'),
      ),
      async (query) => {
        const response = await stack.send('api', {
          method: 'GET',
          target: `/v1/events?${query}`,
          headers: headers(token),
        });
        assertContractAnswer(response, EventPage, `GET /v1/events?${query.slice(0, 80)}`);
      },
    );
    await assertUnharmed(stack, 'GET /v1/events');
  });
});
