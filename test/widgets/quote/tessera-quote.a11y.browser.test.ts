/**
 * `<tessera-quote>` passes axe in every state it can show, reached as a customer reaches it, and
 * says in each what a person needs to know (roles, names, focus, busy).
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import {
  buttonNamed,
  buttonsNamed,
  byRole,
  deepActiveElement,
  describeNode,
  expectFocusOn,
  part,
  shadowOf,
  until,
} from '../../support/browser/dom.ts';
import { field, mountQuote, settled, typeSigner } from './quote-fixture.ts';
import {
  demo,
  faults,
  quotePath,
  tokenUrl,
  type Demo,
  type TokenOptions,
} from '../../support/browser/stack.ts';
import { afterEach, beforeEach, describe, it } from '../../support/browser/mocha.ts';

function mount(d: Demo, quoteId = d.quotes.open, token: TokenOptions = {}) {
  return mountQuote({ quoteId, apiBase: d.faultApiBase, tokenUrl: tokenUrl(d, token) });
}

async function openDecline(el: TesseraQuote): Promise<HTMLTextAreaElement> {
  buttonNamed(el, /^Decline$/).click();
  await el.updateComplete;
  return field<HTMLTextAreaElement>(el, 'decline-reason');
}

describe('<tessera-quote> is accessible in every state', () => {
  let d: Demo;

  beforeEach(async () => {
    await faults.reset();
    d = await demo();
  });

  afterEach(() => faults.reset());

  it('ready: the quote, its table and the accept form', async () => {
    const el = await settled(await mount(d), 'ready');
    await expect(el).to.be.accessible();
    const table = shadowOf(el).querySelector('table')!;
    expect(table.querySelector('caption')?.textContent?.trim()).to.equal('Line items');
    expect(table.querySelectorAll('thead th[scope="col"]')).to.have.length(4);
    expect(buttonsNamed(el, /^Accept quote$/)).to.have.length(1);
  });

  it('accepting: busy, announced, and the buttons marked disabled while the answer is awaited', async () => {
    const accept = quotePath(d.quotes.open, 'accept');
    await faults.add({ method: 'POST', path: accept, hold: true });
    const el = await settled(await mount(d), 'ready');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await settled(el, 'accepting');
    expect(part(el, 'base')?.getAttribute('aria-busy')).to.equal('true');
    expect(byRole(el, 'status')?.textContent?.trim()).to.equal('Accepting the quote…');
    expect(buttonNamed(el, /^Accept quote$/).getAttribute('aria-disabled')).to.equal('true');
    await expect(el).to.be.accessible();
    await faults.release();
    await settled(el, 'accepted');
  });

  it('accepted: the outcome announced and focused, no form left', async () => {
    const el = await settled(await mount(d), 'ready');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await settled(el, 'accepted');
    expect(byRole(el, 'status')?.textContent).to.match(/You accepted quote .+ Ada Lovelace/);
    expect(deepActiveElement()?.textContent).to.match(/You accepted quote/);
    expect(describeNode(shadowOf(el).querySelector('form'))).to.equal('nothing');
    await expect(el).to.be.accessible();
  });

  it('decline form open: the reason field focused and labelled', async () => {
    const el = await settled(await mount(d), 'ready');
    const reason = await openDecline(el);
    expectFocusOn(reason);
    expect(shadowOf(el).querySelector(`label[for="${reason.id}"]`)?.textContent).to.match(/Reason/);
    expect(buttonsNamed(el, /^Decline quote$/)).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('declined: the outcome announced and focused', async () => {
    const el = await settled(await mount(d), 'ready');
    await openDecline(el);
    await sendKeys({ type: 'Budget moved to next year' });
    buttonNamed(el, /^Decline quote$/).click();
    await settled(el, 'declined');
    expect(byRole(el, 'status')?.textContent).to.match(/was declined/);
    expect(deepActiveElement()?.textContent).to.match(/was declined/);
    await expect(el).to.be.accessible();
  });

  it('expired: says so, offers nothing to press', async () => {
    const el = await settled(await mount(d, d.quotes.expired), 'expired');
    expect(shadowOf(el).querySelector('.message')?.textContent).to.match(/expired/);
    expect(shadowOf(el).querySelectorAll('button')).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('read-only (token without quote:accept): the quote without buttons, and why', async () => {
    const el = await settled(
      await mount(d, d.quotes.open, { scopes: ['quote:read'] }),
      'forbidden',
    );
    expect(shadowOf(el).querySelectorAll('[part~="line-item"]').length).to.be.greaterThan(0);
    expect(shadowOf(el).querySelectorAll('button, input, textarea')).to.have.length(0);
    expect(shadowOf(el).querySelector('.message')?.textContent).to.match(/can view this quote/);
    await expect(el).to.be.accessible();
  });

  it('error with Retry: an alert and a Retry button', async () => {
    const el = await settled(await mount(d, d.quotes.open, { fail: 503 }), 'error');
    expect(byRole(el, 'alert')?.textContent?.trim()).to.not.equal('');
    expect(buttonsNamed(el, /^Try again$/)).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('field errors: each invalid field marked, described and the first focused', async () => {
    const el = await settled(await mount(d), 'ready');
    field(el, 'signer-email').value = 'not an email';
    buttonNamed(el, /^Accept quote$/).click();
    await until(() => el.state.status === 'ready' && el.state.fieldErrors, 'no field errors');
    await el.updateComplete;
    const invalid = [...shadowOf(el).querySelectorAll('[aria-invalid="true"]')].map((n) => n.id);
    expect(invalid).to.deep.equal(['signer-name', 'signer-email', 'accept-terms']);
    for (const id of invalid) {
      const described = shadowOf(el).querySelector(`#${id}`)!.getAttribute('aria-describedby');
      expect(shadowOf(el).querySelector(`#${described}`)?.textContent?.trim()).to.not.equal('');
    }
    expectFocusOn(field(el, 'signer-name'));
    expect(byRole(el, 'status')?.textContent).to.match(/correct the highlighted fields/);
    await expect(el).to.be.accessible();
  });
});
