/**
 * `<tessera-quote>` when the network, the core API or the partner's backend fails, as the customer
 * sees it. The API is real; the fault proxy in front of it (web-test-runner.config.mjs) injects
 * the failure, and everything it does not script passes through.
 */
import { expect } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import {
  buttonNamed,
  buttonsNamed,
  byRole,
  describeNode,
  expectFocusOn,
  part,
  recordEvents,
  shadowOf,
  tabTo,
  textOf,
  until,
} from '../../support/browser/dom.ts';
import { field, left, mountQuote, settled, SIGNER, typeSigner } from './quote-fixture.ts';
import {
  apiEvents,
  demo,
  envelope,
  faults,
  quotePath,
  tokenLog,
  tokenUrl,
  type Demo,
  type TokenOptions,
} from '../../support/browser/stack.ts';
import { afterEach, beforeEach, describe, it } from '../../support/browser/mocha.ts';

const RETRY = /^Try again$/;

function mount(d: Demo, token: TokenOptions = {}, quoteId = d.quotes.open) {
  return mountQuote({ quoteId, apiBase: d.faultApiBase, tokenUrl: tokenUrl(d, token) });
}

async function acceptances(d: Demo) {
  return (await apiEvents(d.accountId)).filter((event) => event.type === 'quote.accepted');
}

describe('<tessera-quote> when things fail', () => {
  let d: Demo;
  let events: ReturnType<typeof recordEvents>;

  beforeEach(async () => {
    await faults.reset();
    d = await demo();
    events = recordEvents();
  });

  afterEach(async () => {
    events.stop();
    await faults.reset();
  });

  it('network down: says the service could not be reached, and Retry recovers once it is back', async () => {
    await faults.add({ method: 'GET', path: quotePath(d.quotes.open), drop: true, times: 1000 });
    const el = await settled(await mount(d), 'error', 'ready');
    expect(el.state.status).to.equal('error');
    expect(events.of<{ code: string }>('tessera-error').map((e) => e.code)).to.deep.equal([
      'network_error',
    ]);
    expect(byRole(el, 'alert')?.textContent).to.match(/could not be reached/);
    // The widget tried again on its own before saying so.
    expect((await faults.log('GET')).length).to.be.greaterThan(1);
    await expect(el).to.be.accessible();

    await faults.reset();
    const retry = buttonNamed(el, RETRY);
    await tabTo(retry);
    await sendKeys({ press: 'Enter' });
    await settled(el, 'ready');
    expect(describeNode(byRole(el, 'alert'))).to.equal('nothing');
    expect(shadowOf(el).querySelectorAll('[part~="line-item"]').length).to.be.greaterThan(0);
    expectFocusOn(shadowOf(el).querySelector('h2'));
  });

  it('network down, in German: the alert speaks German too, not only its Retry button', async () => {
    await faults.add({ method: 'GET', path: quotePath(d.quotes.open), drop: true, times: 1000 });
    const el = await mountQuote({
      quoteId: d.quotes.open,
      apiBase: d.faultApiBase,
      tokenUrl: d.tokenUrl,
      locale: 'de',
    });
    await settled(el, 'error', 'ready');
    await until(() => buttonsNamed(el, 'Erneut versuchen').length === 1, 'no German Retry');
    const alert = byRole(el, 'alert')?.textContent ?? '';
    expect(alert.trim()).to.not.equal('');
    expect(alert, 'the English client message').to.not.contain('The service could not be reached');
  });

  it('500 on load: retried without showing an error, and the quote renders', async () => {
    await faults.add({
      method: 'GET',
      path: quotePath(d.quotes.open),
      status: 500,
      body: envelope('internal_error'),
    });
    const el = await settled(await mount(d), 'ready', 'error');
    expect(el.state.status).to.equal('ready');
    expect(events.of('tessera-error')).to.deep.equal([]);
    expect(events.of<{ status: string }>('tessera-change').map((c) => c.status)).to.not.include(
      'error',
    );
    expect((await faults.log('GET')).map((entry) => entry.status)).to.deep.equal([500, 200]);
    expect(describeNode(byRole(el, 'alert'))).to.equal('nothing');
    expect(shadowOf(el).querySelector('h2')?.textContent).to.match(/Quote Q-/);
  });

  it('429 with Retry-After: waits as long as told, then renders without an error', async () => {
    await faults.add({
      method: 'GET',
      path: quotePath(d.quotes.open),
      status: 429,
      headers: { 'retry-after': '1' },
      body: envelope('rate_limited'),
    });
    const el = await settled(await mount(d), 'ready', 'error');
    expect(el.state.status).to.equal('ready');
    expect(events.of('tessera-error')).to.deep.equal([]);
    const [limited, retried] = await faults.log('GET');
    expect([limited?.status, retried?.status]).to.deep.equal([429, 200]);
    // Retry-After said one second; ky's own backoff would have come back after ~0.3 s.
    expect(retried!.at - limited!.at).to.be.at.least(950);
  });

  it('slow answer: announces loading (aria-busy, live region) until the quote arrives', async () => {
    await faults.add({ method: 'GET', path: quotePath(d.quotes.open), hold: true });
    const el = await mount(d);
    await until(async () => (await faults.log('GET')).length === 1, 'the load never started');
    await el.updateComplete;
    expect(part(el, 'base')?.getAttribute('aria-busy')).to.equal('true');
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Loading quote…');
    expect(describeNode(shadowOf(el).querySelector('table'))).to.equal('nothing');
    await expect(el).to.be.accessible();

    expect(await faults.release()).to.equal(1);
    await settled(el, 'ready');
    expect(part(el, 'base')?.getAttribute('aria-busy')).to.equal('false');
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('');
    expect(shadowOf(el).querySelectorAll('[part~="line-item"]').length).to.be.greaterThan(0);
  });

  it('500 on accept: shows an error; Retry sends the same Idempotency-Key and accepts exactly once', async () => {
    const accept = quotePath(d.quotes.open, 'accept');
    await faults.add({
      method: 'POST',
      path: accept,
      status: 500,
      body: envelope('internal_error', 'Injected: the database is down.'),
      times: 1000,
    });
    const el = await settled(await mount(d), 'ready');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await settled(el, 'error');
    // The customer reads what it means in their language; the server's words go to the partner.
    expect(byRole(el, 'alert')?.textContent).to.match(/The service had a problem/);
    expect(byRole(el, 'alert')?.textContent).not.to.match(/the database is down/);
    expect(
      events
        .of<{ message: string }>('tessera-error')
        .some((e) => /database is down/.test(e.message)),
    ).to.equal(true);
    expectFocusOn(byRole(el, 'alert'));
    const failed = await faults.log('POST', accept);
    expect(failed.length).to.be.greaterThan(1);
    await expect(el).to.be.accessible();

    await faults.reset();
    buttonNamed(el, RETRY).click();
    expect(await left(el, 'error', 'accepting', 'loading')).to.equal('accepted');
    expect(events.of<{ action: string }>('tessera-success').map((e) => e.action)).to.deep.equal([
      'accept',
    ]);
    const [retried, ...more] = await faults.log('POST', accept);
    expect(more).to.deep.equal([]);
    expect(retried?.status).to.equal(200);
    expect(new Set([...failed, retried].map((entry) => entry?.idempotencyKey)).size).to.equal(1);
    expect(retried?.idempotencyKey).to.be.a('string');
    const accepted = await acceptances(d);
    expect(accepted).to.have.length(1);
    expect(accepted[0]?.data.accepted_by).to.deep.equal({ name: SIGNER.name, email: SIGNER.email });
  });

  it('answer lost after the API accepted: Retry replays it, and the quote is accepted exactly once', async () => {
    const accept = quotePath(d.quotes.open, 'accept');
    await faults.add({ method: 'POST', path: accept, dropResponse: true, times: 1000 });
    const el = await settled(await mount(d), 'ready');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await settled(el, 'error');
    expect(events.of<{ code: string }>('tessera-error').map((e) => e.code)).to.deep.equal([
      'network_error',
    ]);
    // The API did accept: only the answer was lost.
    expect(await acceptances(d)).to.have.length(1);

    await faults.reset();
    buttonNamed(el, RETRY).click();
    expect(await left(el, 'error', 'accepting', 'loading')).to.equal('accepted');
    expect(textOf(el)).to.contain(`You accepted quote`);
    const [replayed] = await faults.log('POST', accept);
    expect(replayed?.replayed, 'Retry answered from the idempotency store').to.equal(true);
    expect(await acceptances(d)).to.have.length(1);
  });

  it('token expired mid-flow (401 token_expired): keeps what was typed, fetches a new token, accepts', async () => {
    const accept = quotePath(d.quotes.open, 'accept');
    await faults.add(
      { method: 'POST', path: accept, status: 401, body: envelope('token_expired') },
      { method: 'POST', path: accept, hold: true },
    );
    const el = await settled(await mount(d), 'ready');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await until(async () => (await faults.log('POST', accept)).length === 2, 'no second attempt');
    const [expired, again] = await faults.log('POST', accept);
    expect(again?.token?.jti).to.not.equal(expired?.token?.jti);
    expect(again?.idempotencyKey).to.equal(expired?.idempotencyKey);
    expect(await tokenLog(d.accountId)).to.have.length(2);
    await el.updateComplete;
    expect(field(el, 'signer-name').value).to.equal(SIGNER.name);
    expect(field(el, 'signer-email').value).to.equal(SIGNER.email);
    expect(describeNode(byRole(el, 'alert'))).to.equal('nothing');

    await faults.release();
    expect(await left(el, 'accepting')).to.equal('accepted');
    expect(events.of('tessera-error')).to.deep.equal([]);
    expect((await acceptances(d))[0]?.data.accepted_by).to.deep.equal({
      name: SIGNER.name,
      email: SIGNER.email,
    });
  });

  it('token lifetime runs out while the customer types (ttl=5): nothing typed is lost, and the acceptance goes through', async () => {
    const el = await settled(await mount(d, { ttl: 5 }), 'ready');
    await typeSigner(el);
    const [first] = await tokenLog(d.accountId);
    const firstExpiry = Date.parse(first!.expires_at!);
    await until(() => Date.now() > firstExpiry + 500, 'the first token never expired');
    await el.updateComplete;
    expect(field(el, 'signer-name').value).to.equal(SIGNER.name);
    expect(field(el, 'signer-email').value).to.equal(SIGNER.email);
    expect(field(el, 'accept-terms').checked).to.equal(true);

    const accept = quotePath(d.quotes.open, 'accept');
    field(el, 'accept-terms').focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await settled(el, 'accepted', 'error');
    expect(el.state.status).to.equal('accepted');
    const [sent] = (await faults.log('POST', accept)).filter((entry) => entry.status === 200);
    expect(sent?.token?.exp).to.be.greaterThan(firstExpiry / 1000);
    expect(events.of('tessera-error')).to.deep.equal([]);
  });

  it('schema mismatch: tessera-error schema_mismatch, and nothing of the answer is rendered', async () => {
    await faults.add({ method: 'GET', path: quotePath(d.quotes.open), corrupt: true });
    const el = await settled(await mount(d), 'error', 'ready');
    expect(el.state.status).to.equal('error');
    expect(events.of<{ code: string }>('tessera-error').map((e) => e.code)).to.deep.equal([
      'schema_mismatch',
    ]);
    expect(textOf(el)).to.not.contain('GARBAGE');
    expect(describeNode(shadowOf(el).querySelector('table'))).to.equal('nothing');
    expect(byRole(el, 'alert')?.textContent).to.match(/cannot show/);
    // Asking again would get the same answer: no Retry.
    expect(buttonsNamed(el, RETRY)).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('double click on Accept sends one acceptance', async () => {
    const accept = quotePath(d.quotes.open, 'accept');
    await faults.add({ method: 'POST', path: accept, hold: true, times: 10 });
    const el = await settled(await mount(d), 'ready');
    await typeSigner(el);
    const button = buttonNamed(el, /^Accept quote$/);
    const box = button.getBoundingClientRect();
    const position: [number, number] = [
      Math.round(box.x + box.width / 2),
      Math.round(box.y + box.height / 2),
    ];
    await sendMouse({ type: 'click', position });
    await sendMouse({ type: 'click', position });
    await until(async () => (await faults.log('POST', accept)).length > 0, 'nothing was sent');
    await faults.release();
    await settled(el, 'accepted', 'error');
    expect(el.state.status).to.equal('accepted');
    expect(await faults.log('POST', accept)).to.have.length(1);
    expect(await acceptances(d)).to.have.length(1);
  });

  it('Enter pressed twice on Accept sends one acceptance', async () => {
    const accept = quotePath(d.quotes.open, 'accept');
    await faults.add({ method: 'POST', path: accept, hold: true, times: 10 });
    const el = await settled(await mount(d), 'ready');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    expectFocusOn(buttonNamed(el, /^Accept quote$/));
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Enter' });
    await until(async () => (await faults.log('POST', accept)).length > 0, 'nothing was sent');
    await faults.release();
    await settled(el, 'accepted', 'error');
    expect(el.state.status).to.equal('accepted');
    expect(await faults.log('POST', accept)).to.have.length(1);
    expect(await acceptances(d)).to.have.length(1);
  });

  it("partner's backend failing (503): an alert with Retry, reachable by keyboard, that recovers", async () => {
    const el = await settled(await mount(d, { fail: 503 }), 'error', 'ready');
    expect(el.state.status).to.equal('error');
    expect(events.of<{ code: string; retryable: boolean }>('tessera-error')).to.have.length(1);
    expect(events.of<{ code: string }>('tessera-error')[0]?.code).to.equal('token_fetch_failed');
    expect(byRole(el, 'alert')?.textContent).to.not.equal('');
    expect(await faults.log()).to.deep.equal([]);
    await expect(el).to.be.accessible();

    await tabTo(buttonNamed(el, RETRY));
    await sendKeys({ press: 'Enter' });
    await settled(el, 'ready');
    expect(shadowOf(el).querySelectorAll('[part~="line-item"]').length).to.be.greaterThan(0);
    expect(await tokenLog(d.accountId)).to.have.length(2);
  });
});
