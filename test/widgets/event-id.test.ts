/**
 * The onboarding and account controllers name, in their success event, the event their action
 * wrote: the id the partner's event feed (and webhook) carries. The quote's is checked in Chromium
 * (quote/event-id.browser.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Scope } from '../../contracts/index.ts';
import { seedDemo } from '../../core-api/seed.ts';
import { AccountController, type AccountEvent } from '../../widgets/account/account.controller.ts';
import { createApiClient } from '../../widgets/core/api-client.ts';
import { createSessionId } from '../../widgets/core/session.ts';
import { TokenManager } from '../../widgets/core/token-manager.ts';
import {
  OnboardingController,
  type OnboardingEvent,
} from '../../widgets/onboarding/onboarding.controller.ts';
import { startTestStack, type TestStack } from '../core-api/helpers.ts';

const SCOPES: Scope[] = ['onboarding:read', 'onboarding:write', 'account:read', 'account:write'];

describe('success events carry the event id the feed shows', () => {
  let stack: TestStack;
  const disposers: (() => void)[] = [];
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    for (const dispose of disposers) dispose();
    await stack.close();
  });

  async function customer() {
    const seed = await seedDemo(stack.api.store, { partnerId: stack.partner.id });
    const sessionId = createSessionId();
    const tokens = new TokenManager({
      sessionId,
      fetchToken: async () => ({
        token: await stack.token(SCOPES, { subject: seed.account_id }),
        expires_in: 300,
      }),
    });
    disposers.push(() => tokens.dispose());
    const api = createApiClient({ apiBase: stack.api.url, tokens, sessionId });
    const feed = async () => {
      const token = await stack.token(SCOPES, { subject: seed.account_id });
      const answer = await stack.call('GET', '/v1/events?after=0&limit=100', { token });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.data as { id: string; type: string }[];
    };
    return { seed, api, feed };
  }

  it('account: a saved change names its account.updated event', async () => {
    const { seed, api, feed } = await customer();
    const events: AccountEvent[] = [];
    const controller = new AccountController({
      accountId: seed.account_id,
      api,
      onEvent: (e) => events.push(e),
    });
    await controller.load();
    controller.edit();
    controller.setField('legalName', 'Nordlicht Analytics SE');
    assert.equal((await controller.save()).status, 'saved');
    const success = events.find((e) => e.type === 'success');
    assert.ok(success?.type === 'success');
    const updated = (await feed()).filter((e) => e.type === 'account.updated');
    assert.equal(updated.length, 1);
    assert.equal(success.detail.event_id, updated[0]?.id);
  });

  it('onboarding: a submit names onboarding.submitted, not the account.updated written after it', async () => {
    const { api, feed } = await customer();
    const events: OnboardingEvent[] = [];
    const controller = new OnboardingController({ api, onEvent: (e) => events.push(e) });
    // The seeded application waits at the contact step with its company step done.
    await controller.start();
    controller.setField('contactName', 'Ada Lovelace');
    controller.setField('contactEmail', 'ada@nordlicht-analytics.example');
    controller.setField('phone', '030 1234567');
    assert.equal((await controller.next()).form?.step, 'billing');
    controller.setField('line1', 'Friedrichstraße 1');
    controller.setField('city', 'Berlin');
    controller.setField('postalCode', '10117');
    assert.equal((await controller.next()).form?.step, 'review');
    controller.setField('acceptTerms', true);
    const state = await controller.submit();
    assert.equal(state.status, 'submitted', JSON.stringify(state.form?.fieldErrors));
    const success = events.find((e) => e.type === 'success');
    assert.ok(success?.type === 'success');
    const written = await feed();
    const submitted = written.find((e) => e.type === 'onboarding.submitted');
    assert.match(success.detail.event_id ?? '', /^evt_/);
    assert.equal(success.detail.event_id, submitted?.id);
  });
});
