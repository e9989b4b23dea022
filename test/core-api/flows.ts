import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DEMO_BILLING, DEMO_COMPANY, DEMO_CONTACT } from '../../contracts/fixtures/demo.ts';
import type { OnboardingDraft } from '../../contracts/index.ts';
import type { TestStack } from './helpers.ts';

export const idempotencyKey = () => ({ 'idempotency-key': randomUUID() });

/**
 * Fills every step of an account's onboarding application over HTTP, as the widget does, and
 * submits it. `values` replaces the demo customer's answers step by step. Answers the submit.
 */
export async function fillAndSubmit(
  stack: TestStack,
  accountId: string,
  values: OnboardingDraft = {},
) {
  const token = await stack.token(['onboarding:read', 'onboarding:write'], { subject: accountId });
  const started = await stack.call('POST', '/v1/onboarding', {
    token,
    body: {},
    headers: idempotencyKey(),
  });
  assert.ok(started.status === 200 || started.status === 201, JSON.stringify(started.body));
  let application = started.body as { id: string; version: number };
  const steps: OnboardingDraft = {
    company: DEMO_COMPANY,
    contact: DEMO_CONTACT,
    billing: DEMO_BILLING,
    review: { accept_terms: true },
    ...values,
  };
  for (const [step, stepValues] of Object.entries(steps)) {
    const saved = await stack.call('PATCH', `/v1/onboarding/${application.id}`, {
      token,
      body: { step, values: stepValues },
      headers: { ...idempotencyKey(), 'if-match': `"${application.version}"` },
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    application = saved.body;
  }
  return stack.call('POST', `/v1/onboarding/${application.id}/submit`, {
    token,
    body: {},
    headers: idempotencyKey(),
  });
}
