import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_BILLING, DEMO_COMPANY } from '../../contracts/fixtures/demo.ts';
import { Account, OnboardingApplication } from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { fillAndSubmit, idempotencyKey } from './flows.ts';
import { startTestStack, type TestStack } from './helpers.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack.close());

const PARIS = { line1: '1 rue de Rivoli', city: 'Paris', postal_code: '75001', country: 'FR' };

async function fresh() {
  return seedDemo(stack.api.store, { partnerId: stack.partner.id });
}

async function account(accountId: string): Promise<Account> {
  const token = await stack.token(['account:read'], { subject: accountId });
  return Account.parse((await stack.call('GET', `/v1/accounts/${accountId}`, { token })).body);
}

async function patchAccount(accountId: string, body: unknown) {
  const current = await account(accountId);
  return stack.call('PATCH', `/v1/accounts/${accountId}`, {
    token: await stack.token(['account:write'], { subject: accountId }),
    body,
    headers: { ...idempotencyKey(), 'if-match': `"${current.version}"` },
  });
}

describe('onboarding writes the account once: onboarding:write is not account:write', () => {
  it('answers POST /v1/onboarding of an onboarded account with its submitted application, which cannot be edited or submitted again', async () => {
    const seed = await fresh();
    const submitted = await fillAndSubmit(stack, seed.account_id);
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const changed = await patchAccount(seed.account_id, { legal_name: 'Changed Through Account' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));

    const writeOnly = await stack.token(['onboarding:write'], { subject: seed.account_id });
    const again = await stack.call('POST', '/v1/onboarding', {
      token: writeOnly,
      body: {},
      headers: idempotencyKey(),
    });
    assert.equal(again.status, 200, 'no fresh application');
    const application = OnboardingApplication.parse(again.body);
    assert.equal(application.id, seed.onboarding_id, 'the application that onboarded the account');
    assert.equal(application.status, 'submitted');

    const save = await stack.call('PATCH', `/v1/onboarding/${application.id}`, {
      token: writeOnly,
      body: { step: 'company', values: { legal_name: 'Overwritten By Onboarding' } },
      headers: { ...idempotencyKey(), 'if-match': `"${application.version}"` },
    });
    assert.equal(save.status, 409);
    assert.equal(save.body.error.code, 'onboarding_submitted');
    const resubmit = await stack.call('POST', `/v1/onboarding/${application.id}/submit`, {
      token: writeOnly,
      body: {},
      headers: idempotencyKey(),
    });
    assert.equal(resubmit.body.error.code, 'onboarding_submitted');
    assert.equal((await account(seed.account_id)).legal_name, 'Changed Through Account');
  });

  it('refuses to submit a second application of an account already onboarded with 409 onboarding_submitted, leaving the account as it was', async () => {
    const seed = await fresh();
    assert.equal((await fillAndSubmit(stack, seed.account_id)).status, 200);
    // An application opened beside the submitted one, as the API allowed before onboarding
    // happened once: complete, ready to submit.
    const first = await stack.api.store.getOnboarding(seed.onboarding_id);
    assert.ok(first);
    const leftOpen = OnboardingApplication.parse({
      ...first,
      id: 'onb_leftopen00000000',
      status: 'in_progress',
      submitted_at: undefined,
      values: { ...first.values, company: { ...DEMO_COMPANY, legal_name: 'Overwritten GmbH' } },
      version: 1,
    });
    await stack.api.store.insertOnboarding(leftOpen);
    const before = await account(seed.account_id);

    const reply = await stack.call('POST', `/v1/onboarding/${leftOpen.id}/submit`, {
      token: await stack.token(['onboarding:write'], { subject: seed.account_id }),
      body: {},
      headers: idempotencyKey(),
    });
    assert.equal(reply.status, 409, JSON.stringify(reply.body));
    assert.equal(reply.body.error.code, 'onboarding_submitted');
    assert.equal(reply.body.error.details.submitted_application, seed.onboarding_id);
    assert.deepEqual(await account(seed.account_id), before);
    assert.equal((await stack.api.store.getOnboarding(leftOpen.id))?.status, 'in_progress');
  });
});

describe('one tax-id rule: a tax id belongs to the billing country, on submission as on account updates', () => {
  it('refuses to submit a DE tax id with an FR billing address, naming company.tax_id, as an account update refuses the same pair', async () => {
    const seed = await fresh();
    const reply = await fillAndSubmit(stack, seed.account_id, {
      billing: { ...DEMO_BILLING, address: PARIS },
    });
    assert.equal(reply.status, 422, JSON.stringify(reply.body));
    assert.equal(reply.body.error.code, 'onboarding_incomplete');
    assert.deepEqual(
      reply.body.error.details.fields.map((field: { path: string; code: string }) => [
        field.path,
        field.code,
      ]),
      [['company.tax_id', 'invalid_tax_id']],
    );

    const update = await patchAccount(seed.account_id, { billing_address: PARIS });
    assert.equal(update.status, 400);
    assert.deepEqual(
      update.body.error.details.fields.map((field: { path: string; code: string }) => [
        field.path,
        field.code,
      ]),
      [['tax_id', 'invalid_tax_id']],
    );
  });

  it('onboards an FR tax id with an FR billing address, after which billing-address changes are accepted', async () => {
    const seed = await fresh();
    const reply = await fillAndSubmit(stack, seed.account_id, {
      company: { ...DEMO_COMPANY, country: 'FR', region: 'FR-IDF', tax_id: 'FR12345678901' },
      billing: { ...DEMO_BILLING, address: PARIS },
    });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const onboarded = await account(seed.account_id);
    assert.equal(onboarded.tax_id, 'FR12345678901');
    assert.equal(onboarded.billing_address.country, 'FR');
    const moved = await patchAccount(seed.account_id, {
      billing_address: { ...PARIS, line1: '2 place de la Concorde', postal_code: '75008' },
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
  });
});
