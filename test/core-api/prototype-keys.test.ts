import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { idempotencyKey } from './flows.ts';
import { startTestStack, type TestStack } from './helpers.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack.close());

describe('prototype keys in a JSON body: refused with 400, never dropped silently', () => {
  it('refuses a nested __proto__, constructor or prototype key inside onboarding values with 400 validation_failed naming its path', async () => {
    const token = await stack.token(['onboarding:read', 'onboarding:write']);
    for (const [raw, path] of [
      ['{"step":"company","values":{"__proto__":{"legal_name":"X"}}}', 'values.__proto__'],
      [
        '{"step":"company","values":{"legal_name":"X","constructor":{"prototype":{}}}}',
        'values.constructor',
      ],
      ['{"step":"billing","values":{"address":{"prototype":"x"}}}', 'values.address.prototype'],
      ['{"__proto__":{"step":"company"},"step":"company","values":{}}', '__proto__'],
    ] as const) {
      const application = await stack.call('GET', `/v1/onboarding/${stack.seed.onboarding_id}`, {
        token,
      });
      const reply = await stack.call('PATCH', `/v1/onboarding/${stack.seed.onboarding_id}`, {
        token,
        rawBody: raw,
        headers: {
          'content-type': 'application/json',
          ...idempotencyKey(),
          'if-match': `"${application.body.version}"`,
        },
      });
      assert.equal(reply.status, 400, `${raw}: ${JSON.stringify(reply.body)}`);
      assert.equal(reply.body.error.code, 'validation_failed');
      assert.deepEqual(
        reply.body.error.details.fields.map((field: { path: string }) => field.path),
        [path],
      );
      const unchanged = await stack.call('GET', `/v1/onboarding/${stack.seed.onboarding_id}`, {
        token,
      });
      assert.equal(unchanged.body.version, application.body.version, 'nothing saved');
    }
  });

  it('refuses a __proto__ key in an account update the same way', async () => {
    const account = await stack.call('GET', `/v1/accounts/${stack.seed.account_id}`, {
      token: await stack.token(['account:read']),
    });
    const reply = await stack.call('PATCH', `/v1/accounts/${stack.seed.account_id}`, {
      token: await stack.token(['account:write']),
      rawBody: '{"billing_address":{"__proto__":{"country":"FR"}}}',
      headers: {
        'content-type': 'application/json',
        ...idempotencyKey(),
        'if-match': `"${account.body.version}"`,
      },
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.error.details.fields[0].path, 'billing_address.__proto__');
  });

  it('still takes the words as values: "__proto__" as a string is data, not a key', async () => {
    const token = await stack.token(['onboarding:read', 'onboarding:write']);
    const application = await stack.call('GET', `/v1/onboarding/${stack.seed.onboarding_id}`, {
      token,
    });
    const reply = await stack.call('PATCH', `/v1/onboarding/${stack.seed.onboarding_id}`, {
      token,
      body: { step: 'contact', values: { name: '__proto__ constructor' } },
      headers: { ...idempotencyKey(), 'if-match': `"${application.body.version}"` },
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  });
});
