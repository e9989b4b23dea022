import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { nothing } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import { configure } from '../../../widgets/core/configure.ts';
import '../../../widgets/onboarding/define.ts';
import type { TesseraOnboarding } from '../../../widgets/onboarding/tessera-onboarding.ts';
import { afterEach, beforeEach, describe, it } from '../../support/browser/mocha.ts';
import {
  buttonNamed,
  byRole,
  deepActiveElement,
  part,
  recordEvents,
  shadowOf,
  tabTo,
  textOf,
  until,
} from '../../support/browser/dom.ts';
import {
  apiEvents,
  demo,
  envelope,
  faults,
  tokenUrl,
  type Demo,
} from '../../support/browser/stack.ts';

const SCOPES = ['onboarding:read', 'onboarding:write'];
const BUSY = ['loading', 'saving', 'submitting'];

interface Mount {
  locale?: string;
  scopes?: readonly string[];
  ttl?: number;
  /** Something in the token URL that makes it another configuration: a new token, as after a reload. */
  reload?: string;
  applicationId?: string;
}

async function settled(el: TesseraOnboarding): Promise<TesseraOnboarding> {
  await until(() => !BUSY.includes(el.state.status), `still ${el.state.status}`);
  await el.updateComplete;
  return el;
}

/** The widget through the fault proxy (which passes everything through unless told otherwise). */
async function mount(d: Demo, options: Mount = {}): Promise<TesseraOnboarding> {
  return settled(await place(d, options));
}

/** The element on the page, without waiting for it to load. */
async function place(d: Demo, options: Mount = {}): Promise<TesseraOnboarding> {
  let url = tokenUrl(d, {
    scopes: options.scopes ?? SCOPES,
    ...(options.ttl ? { ttl: options.ttl } : {}),
  });
  if (options.reload) url += `&reload=${options.reload}`;
  const el = await fixture<TesseraOnboarding>(
    html`<tessera-onboarding
      api-base=${d.faultApiBase}
      token-url=${url}
      locale=${options.locale ?? 'en-US'}
      application-id=${options.applicationId ?? nothing}
    ></tessera-onboarding>`,
  );
  return el;
}

function $<T extends HTMLElement = HTMLElement>(el: TesseraOnboarding, selector: string): T {
  const found = shadowOf(el).querySelector<T>(selector);
  if (!found) throw new Error(`${selector} is not rendered`);
  return found;
}

/** Types into a field as `input` events would, without the keyboard (for tests about something else). */
async function enter(el: TesseraOnboarding, values: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(values)) {
    const control = $<HTMLInputElement | HTMLSelectElement>(el, `#${id}`);
    control.value = value;
    control.dispatchEvent(
      new Event(control instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
    );
    await el.updateComplete;
  }
}

/** Clicks a button and waits for the widget to settle. */
async function press(el: TesseraOnboarding, name: string | RegExp): Promise<TesseraOnboarding> {
  // The controller takes the action synchronously (busy, or refused with errors); then wait it out.
  buttonNamed(el, name).click();
  return settled(el);
}

const CONTACT = {
  'contact-name': 'Lena Schäfer',
  'contact-email': 'lena@nordlicht.example',
  phone: '030 1234567',
};
const BILLING = { line1: 'Friedrichstraße 123', city: 'Berlin', 'postal-code': '10117' };

/** The application as the core API holds it, read with a token of its own. */
async function stored(d: Demo) {
  const response = await fetch(tokenUrl(d, { scopes: SCOPES }), { method: 'POST', body: '{}' });
  const { token } = (await response.json()) as { token: string };
  const answer = await fetch(`${d.apiBase}/v1/onboarding/${d.onboardingId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await answer.json()) as {
    version: number;
    status: string;
    current_step: string;
    values: Record<string, Record<string, unknown> | undefined>;
  };
}

/** A save made elsewhere (another tab of the same customer), straight to the core API. */
async function elsewhere(d: Demo, step: string, values: Record<string, unknown>) {
  const response = await fetch(tokenUrl(d, { scopes: SCOPES }), { method: 'POST', body: '{}' });
  const { token } = (await response.json()) as { token: string };
  const { version } = await stored(d);
  const answer = await fetch(`${d.apiBase}/v1/onboarding/${d.onboardingId}`, {
    method: 'PATCH',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': crypto.randomUUID(),
      'if-match': `"${version}"`,
    },
    body: JSON.stringify({ step, values }),
  });
  if (answer.status !== 200) throw new Error(`the other tab's save answered ${answer.status}`);
}

/**
 * Where the focus is, compared as a boolean: a failing `to.equal` between two elements would have
 * the runner serialise whole Lit elements (state, reference data) into the report.
 */
function expectFocus(target: Element | null, message = 'focus'): void {
  const active = deepActiveElement();
  expect(
    active === target,
    `${message}: on ${active?.outerHTML.slice(0, 80) ?? 'nothing'}`,
  ).to.equal(true);
}

function heading(el: TesseraOnboarding): string {
  return ($(el, '#title').textContent ?? '').replace(/\s+/g, ' ').trim();
}

describe('<tessera-onboarding> against the real core API', () => {
  let d: Demo;

  beforeEach(async () => {
    await faults.reset();
    d = await demo();
  });
  afterEach(async () => {
    await faults.reset();
  });

  it('is accessible on the step it resumes at', async () => {
    const el = await mount(d);
    expect(el.state.status).to.equal('editing');
    await expect(el).to.be.accessible();
  });

  it('says where the customer is: indicator, step heading and live region agree', async () => {
    const el = await mount(d);
    const current = $(el, '[aria-current="step"]');
    expect(current.textContent).to.contain('Contact person');
    expect(current.textContent).to.contain('current step');
    expect($(el, '[part~="complete-step"]').textContent).to.match(/Company\s+\(completed\)/);
    expect(heading(el)).to.equal('Step 2 of 4: Contact person');
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Step 2 of 4: Contact person');
    const steps = ['company', 'contact', 'billing', 'review'];
    expect(steps.filter((step) => el.matches(`:state(step-${step})`))).to.deep.equal(['contact']);
  });

  it('refuses an incomplete step with a focused error summary whose links lead to the fields, sending nothing', async () => {
    const el = await mount(d);
    await press(el, 'Save and continue');
    const summary = $(el, '[part~="error-summary"]');
    expectFocus(summary);
    expect(summary.textContent).to.contain('There is a problem');
    const links = [...summary.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      '#contact-name',
      '#contact-email',
      '#phone',
    ]);
    const name = $<HTMLInputElement>(el, '#contact-name');
    expect(name.getAttribute('aria-invalid')).to.equal('true');
    expect(name.getAttribute('aria-describedby')).to.equal('contact-name-error');
    expect($(el, '#contact-name-error').textContent).to.match(/required/);
    expect(heading(el), 'still on contact').to.contain('Contact person');
    expect(await faults.log('PATCH')).to.have.length(0);
    await expect(el).to.be.accessible();

    links[2]!.focus();
    await sendKeys({ press: 'Enter' });
    expectFocus($(el, '#phone'));
  });

  it("checks the tax id against the country's format and stores the phone in E.164", async () => {
    const el = await mount(d);
    await press(el, /^1 Company/);
    expect(heading(el)).to.equal('Step 1 of 4: Company');
    expectFocus($(el, '#title'), 'focus on the new step');
    expect($(el, '#tax-id-hint').textContent).to.contain('DE123456789');
    await enter(el, { 'tax-id': '12345' });
    await press(el, 'Save and continue');
    expect($(el, '#tax-id-error').textContent).to.contain('Enter a USt-IdNr. like DE123456789.');
    await enter(el, { 'tax-id': 'de 987 654 321' });
    expect(shadowOf(el).querySelector('#tax-id-error') === null, 'fixed').to.equal(true);
    await press(el, 'Save and continue');
    await enter(el, CONTACT);
    await press(el, 'Save and continue');
    expect(heading(el)).to.contain('Billing');
    const saved = await stored(d);
    expect(saved.values.company?.tax_id).to.equal('DE987654321');
    expect(saved.values.contact?.phone).to.equal('+49301234567');
    expect(saved.current_step).to.equal('billing');
  });

  it('completes the application by keyboard alone and fires tessera-success with the application id', async () => {
    const el = await mount(d);
    const success = oneEvent(el, 'tessera-success');

    await tabTo($(el, '#contact-name'));
    await sendKeys({ type: 'Lena Schäfer' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'lena@nordlicht.example' });
    await sendKeys({ press: 'Tab' });
    expectFocus($(el, '#phone'));
    await sendKeys({ type: '030 1234567' });
    await sendKeys({ press: 'Enter' });
    await settled(el);
    expect(heading(el)).to.equal('Step 3 of 4: Billing');
    expectFocus($(el, '#title'), 'focus moves to the new step');

    // Country, currency and email for invoices are filled in from what came before.
    expect($<HTMLSelectElement>(el, '#billing-country').value).to.equal('DE');
    expect($<HTMLSelectElement>(el, '#currency').value).to.equal('EUR');
    expect($<HTMLInputElement>(el, '#billing-email').value).to.equal('lena@nordlicht.example');
    await tabTo($(el, '#line1'));
    await sendKeys({ type: 'Friedrichstraße 123' });
    await tabTo($(el, '#city'));
    await sendKeys({ type: 'Berlin' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: '10117' });
    await sendKeys({ press: 'Enter' });
    await settled(el);
    expect(heading(el)).to.equal('Step 4 of 4: Review and submit');

    const review = $(el, '[part~="review"]');
    expect(review.textContent).to.contain('+49301234567');
    expect(review.textContent).to.contain('Germany');
    expect(review.textContent).to.contain('Friedrichstraße 123');
    await expect(el).to.be.accessible();

    const terms = $<HTMLInputElement>(el, '#accept-terms');
    await tabTo(terms);
    await sendKeys({ press: 'Space' });
    expect(terms.checked).to.equal(true);
    await tabTo(buttonNamed(el, 'Submit application'));
    await sendKeys({ press: 'Enter' });

    const event = await success;
    expect(event.detail.widget).to.equal('onboarding');
    expect(event.detail.applicationId).to.equal(d.onboardingId);
    await settled(el);
    expect(el.state.status).to.equal('submitted');
    expect(el.matches(':state(submitted)') && el.matches(':state(step-review)')).to.equal(true);
    const message = $(el, '.message');
    expect(message.textContent).to.contain('Application submitted');
    expectFocus(message);
    expect(textOf(el)).to.contain('write to lena@nordlicht.example within two business days');
    expect(textOf(el)).to.contain(d.onboardingId);
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Application submitted');
    await expect(el).to.be.accessible();
    expect((await stored(d)).status).to.equal('submitted');
    const types = (await apiEvents(d.accountId)).map((e) => e.type);
    expect(types.filter((t) => t === 'onboarding.submitted')).to.have.length(1);
  });

  it('resumes at the same step with every value after a reload with a new token', async () => {
    const first = await mount(d);
    await enter(first, CONTACT);
    await press(first, 'Save and continue');
    await enter(first, { line1: 'Friedrichstraße 123' });
    first.remove();

    const el = await mount(d, { reload: 'yes' });
    expect(heading(el)).to.equal('Step 3 of 4: Billing');
    await press(el, 'Back');
    expect($<HTMLInputElement>(el, '#contact-name').value).to.equal('Lena Schäfer');
    expect($<HTMLInputElement>(el, '#contact-email').value).to.equal('lena@nordlicht.example');
    expect($<HTMLInputElement>(el, '#phone').value).to.equal('+49301234567');
    const tokens = new Set((await faults.log()).map((r) => r.token?.jti));
    expect(tokens.size, 'the second element had its own token').to.equal(2);
  });

  it('every step is accessible, with and without errors', async () => {
    const el = await mount(d);
    await press(el, /^1 Company/);
    await expect(el).to.be.accessible();
    await enter(el, { 'legal-name': '', 'tax-id': 'nonsense' });
    await press(el, 'Save and continue');
    expect(part(el, 'error-summary')).to.not.equal(null);
    await expect(el).to.be.accessible();
    await enter(el, { 'legal-name': 'Nordlicht Analytics GmbH', 'tax-id': 'DE123456789' });
    await press(el, 'Save and continue');
    await enter(el, CONTACT);
    await press(el, 'Save and continue');
    await expect(el).to.be.accessible();
    await enter(el, { 'billing-email': 'nope' });
    await press(el, 'Save and continue');
    expect($(el, '#billing-email').getAttribute('aria-invalid')).to.equal('true');
    await expect(el).to.be.accessible();
    await enter(el, { ...BILLING, 'billing-email': 'billing@nordlicht.example' });
    await press(el, 'Save and continue');
    await press(el, 'Submit application');
    expect($(el, '#accept-terms').getAttribute('aria-invalid')).to.equal('true');
    expectFocus(part(el, 'error-summary'));
    await expect(el).to.be.accessible();
  });

  it('shows a 412 with both values, and "Keep mine" saves mine and goes on', async () => {
    const el = await mount(d);
    await enter(el, CONTACT);
    await elsewhere(d, 'contact', { name: 'Jonas Weber' });
    await press(el, 'Save and continue');
    expect(el.state.status).to.equal('conflict');
    const panel = $(el, '[part~="conflict"]');
    expectFocus(panel);
    const row = panel.querySelector('tbody tr')!;
    expect(row.textContent).to.contain('Full name');
    expect(row.textContent).to.contain('Jonas Weber');
    expect(row.textContent).to.contain('Lena Schäfer');
    await expect(el).to.be.accessible();
    await press(el, 'Keep mine');
    expect(heading(el)).to.contain('Billing');
    expect((await stored(d)).values.contact?.name).to.equal('Lena Schäfer');
  });

  it('on a 412, "Use the saved values" puts theirs in the field and writes nothing', async () => {
    const el = await mount(d);
    await enter(el, CONTACT);
    await elsewhere(d, 'contact', { name: 'Jonas Weber' });
    const version = (await stored(d)).version;
    await press(el, 'Save and continue');
    await press(el, 'Use the saved values');
    expect(heading(el)).to.contain('Contact person');
    expect($<HTMLInputElement>(el, '#contact-name').value).to.equal('Jonas Weber');
    expect(
      $<HTMLInputElement>(el, '#contact-email').value,
      'mine where they changed nothing',
    ).to.equal('lena@nordlicht.example');
    expect((await stored(d)).version).to.equal(version);
  });

  it('the network going down mid-save loses nothing, and Try again saves it once', async () => {
    const el = await mount(d);
    const path = `/v1/onboarding/${d.onboardingId}`;
    // However often the client retries a keyed PATCH on its own, the network stays down.
    await faults.add({ method: 'PATCH', path, drop: true, times: 10 });
    await enter(el, CONTACT);
    await press(el, 'Save and continue');
    await faults.reset();
    expect(el.state.status).to.equal('error');
    const alert = byRole(el, 'alert')!;
    expect(alert.textContent).to.contain('Nothing is lost');
    expectFocus(alert);
    expect($<HTMLInputElement>(el, '#contact-name').value).to.equal('Lena Schäfer');
    expect($<HTMLInputElement>(el, '#phone').value).to.equal('+49301234567');
    await expect(el).to.be.accessible();

    await press(el, 'Try again');
    expect(heading(el)).to.contain('Billing');
    const patches = await faults.log('PATCH', path);
    expect(new Set(patches.map((p) => p.idempotencyKey)).size, 'one key').to.equal(1);
    expect((await stored(d)).values.contact?.name).to.equal('Lena Schäfer');
  });

  it('a save whose answer is lost is replayed under its key, not done twice', async () => {
    const el = await mount(d);
    const path = `/v1/onboarding/${d.onboardingId}`;
    const version = (await stored(d)).version;
    await faults.add({ method: 'PATCH', path, dropResponse: true });
    await enter(el, CONTACT);
    await press(el, 'Save and continue');
    // The client may retry on its own; if it shows the failure, the customer retries.
    if (el.state.status === 'error') await press(el, 'Try again');
    expect(heading(el)).to.contain('Billing');
    const patches = await faults.log('PATCH', path);
    expect(patches.some((p) => p.replayed)).to.equal(true);
    expect((await stored(d)).version).to.equal(version + 1);
  });

  it('a 500 on save keeps every value and offers Try again, which saves', async () => {
    const el = await mount(d);
    const path = `/v1/onboarding/${d.onboardingId}`;
    await faults.add({
      method: 'PATCH',
      path,
      status: 500,
      body: envelope('internal_error'),
      times: 10,
    });
    const errors = recordEvents();
    await enter(el, CONTACT);
    await press(el, 'Save and continue');
    errors.stop();
    await faults.reset();
    expect(el.state.status).to.equal('error');
    expect(errors.of<{ code: string; retryable: boolean }>('tessera-error')[0]).to.include({
      code: 'internal_error',
      retryable: true,
    });
    const alert = byRole(el, 'alert')!;
    expect(alert.textContent).to.contain('The service had a problem.');
    expect(alert.textContent).not.to.contain('Injected: internal_error.');
    expect(alert.textContent, 'a reference for support').to.contain('Reference: req_injected');
    expect($<HTMLInputElement>(el, '#contact-email').value).to.equal('lena@nordlicht.example');
    await press(el, 'Try again');
    expect(heading(el)).to.contain('Billing');
  });

  it('Save draft saves what is valid without moving on, and says so', async () => {
    const el = await mount(d);
    await enter(el, { 'contact-name': 'Lena Schäfer', phone: 'call me' });
    const button = buttonNamed(el, 'Save draft');
    button.focus();
    await press(el, 'Save draft');
    expect(heading(el)).to.contain('Contact person');
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Draft saved.');
    expect($(el, '#phone-error').textContent, 'the invalid field says why').to.contain(
      'Enter a phone number',
    );
    expectFocus(button, 'focus stays on Save draft');
    expect((await stored(d)).values.contact).to.deep.equal({ name: 'Lena Schäfer' });
  });

  it('a token that expired and cannot be renewed keeps the form; Try again saves once it can', async () => {
    let backendDown = false;
    let expiresAt = 0;
    configure({
      apiBase: d.faultApiBase,
      locale: 'en-US',
      fetchToken: async ({ sessionId }) => {
        if (backendDown) throw new Error('The partner backend answered 503.');
        const response = await fetch(tokenUrl(d, { scopes: SCOPES, ttl: 5 }), {
          method: 'POST',
          body: JSON.stringify({ session_id: sessionId }),
        });
        const body = (await response.json()) as { token: string; expires_at: string };
        expiresAt = Date.parse(body.expires_at);
        return body;
      },
    });
    const el = await settled(
      await fixture<TesseraOnboarding>(html`<tessera-onboarding></tessera-onboarding>`),
    );
    expect(el.state.status).to.equal('editing');
    await enter(el, CONTACT);
    backendDown = true;
    await until(() => Date.now() > expiresAt, 'the token never expired');
    await press(el, 'Save and continue');
    expect(el.state.status).to.equal('error');
    expect(el.state.status === 'error' && el.state.error.code).to.equal('token_fetch_failed');
    expect($<HTMLInputElement>(el, '#contact-name').value).to.equal('Lena Schäfer');
    backendDown = false;
    await press(el, 'Try again');
    expect(heading(el)).to.contain('Billing');
    expect((await stored(d)).values.contact?.name).to.equal('Lena Schäfer');
  });

  it('a short-lived token is renewed during the form and the next save goes through', async () => {
    const el = await mount(d, { ttl: 5 });
    const first = (await faults.log())[0]!.token!;
    await enter(el, CONTACT);
    await until(() => Date.now() / 1000 > first.exp + 1, 'the first token never expired');
    await press(el, 'Save and continue');
    expect(heading(el)).to.contain('Billing');
    const [patch] = await faults.log('PATCH');
    expect(patch!.token!.exp).to.be.greaterThan(first.exp);
  });

  it('without onboarding:write says so, starts nothing, and is accessible', async () => {
    const el = await mount(d, { scopes: ['onboarding:read'] });
    expect(el.state.status).to.equal('forbidden');
    expect($(el, '.message').textContent).to.contain('You do not have permission');
    expect(shadowOf(el).querySelector('form') === null, 'no form').to.equal(true);
    expect(await faults.log('POST')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('with onboarding:read and application-id shows every answer read-only, accessibly', async () => {
    const el = await mount(d, { scopes: ['onboarding:read'], applicationId: d.onboardingId });
    expect(el.state.status).to.equal('forbidden');
    expect($(el, '.message').textContent).to.contain(
      'You can view this application but not change it.',
    );
    expect($(el, '[part~="review"]').textContent).to.contain('Nordlicht Analytics GmbH');
    expect(shadowOf(el).querySelectorAll('input, select, button').length, 'no controls').to.equal(
      0,
    );
    expect(await faults.log('PATCH')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('is busy and accessible while it loads, announcing it', async () => {
    await faults.add({ method: 'POST', path: '/v1/onboarding', hold: true });
    const el = await place(d);
    await until(async () => (await faults.log('POST')).length > 0, 'the widget never started');
    await el.updateComplete;
    expect(el.state.status).to.equal('loading');
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Loading your application…');
    await expect(el).to.be.accessible();
    await faults.release();
    await settled(el);
    expect(el.state.status).to.equal('editing');
  });

  it('speaks German with locale="de": steps, labels, errors and country names', async () => {
    const el = await mount(d, { locale: 'de' });
    await until(() => heading(el).startsWith('Schritt'), 'no German heading');
    expect(heading(el)).to.equal('Schritt 2 von 4: Ansprechperson');
    expect(buttonNamed(el, 'Speichern und weiter').type).to.equal('submit');
    await press(el, 'Speichern und weiter');
    expect($(el, '[part~="error-summary"]').textContent).to.contain('Es gibt ein Problem');
    expect($(el, '#contact-name-error').textContent).to.contain('Dieses Feld ist erforderlich.');
    await expect(el).to.be.accessible();
    await enter(el, CONTACT);
    await press(el, 'Speichern und weiter');
    const country = $<HTMLSelectElement>(el, '#billing-country');
    expect(country.selectedOptions[0]?.textContent?.trim()).to.equal('Deutschland');
    expect($<HTMLSelectElement>(el, '#currency').selectedOptions[0]!.textContent).to.contain(
      'Euro',
    );
    await expect(el).to.be.accessible();
  });
});
