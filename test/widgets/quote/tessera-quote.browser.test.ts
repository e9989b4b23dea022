import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { configure, type TesseraEventLike } from '../../../widgets/core/configure.ts';
import '../../../widgets/quote/define.ts';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import { before, describe, it } from '../../support/browser/mocha.ts';
import { describeNode, expectFocusOn } from '../../support/browser/dom.ts';
import { mountQuote, settled, SIGNER, typeSigner } from './quote-fixture.ts';

/** The real stack the runner started: a fresh demo account per call (see web-test-runner.config.mjs). */
interface Demo {
  apiBase: string;
  tokenUrl: string;
  accountId: string;
  quotes: { open: string; expired: string; accepted: string };
}

async function demo(): Promise<Demo> {
  const response = await fetch('/__stack', { method: 'POST' });
  return (await response.json()) as Demo;
}

async function quote(
  quoteId: string,
  { apiBase, tokenUrl }: Pick<Demo, 'apiBase' | 'tokenUrl'>,
): Promise<TesseraQuote> {
  const el = await fixture<TesseraQuote>(
    html`<tessera-quote
      quote-id=${quoteId}
      api-base=${apiBase}
      token-url=${tokenUrl}
      locale="en-US"
    ></tessera-quote>`,
  );
  await waitUntil(() => el.state.status !== 'loading', 'the quote never left loading', {
    timeout: 10_000,
  });
  await el.updateComplete;
  return el;
}

function shadow(el: TesseraQuote): ShadowRoot {
  return el.shadowRoot!;
}

function q<T extends Element = HTMLElement>(el: TesseraQuote, selector: string): T {
  const found = shadow(el).querySelector<T>(selector);
  if (!found) throw new Error(`${selector} is not rendered`);
  return found;
}

describe('<tessera-quote> against the real core API', () => {
  let stack: Demo;

  before(async () => {
    stack = await demo();
  });

  it('is accessible in the ready state', async () => {
    const el = await quote(stack.quotes.open, stack);
    expect(el.state.status).to.equal('ready');
    await expect(el).to.be.accessible();
  });

  it('shows the quote number, line items and the formatted total', async () => {
    const el = await quote(stack.quotes.open, stack);
    if (el.state.status !== 'ready') throw new Error(el.state.status);
    const data = el.state.quote;
    expect(q(el, 'h2').textContent).to.contain(data.number);
    expect(shadow(el).querySelectorAll('[part="line-item"]')).to.have.length(
      data.line_items.length,
    );
    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: data.currency });
    const digits = total.resolvedOptions().maximumFractionDigits ?? 2;
    expect(q(el, '[part="total"]').textContent).to.contain(total.format(data.total / 10 ** digits));
  });

  it('refuses an empty name with a described field error and sends nothing', async () => {
    const el = await quote(stack.quotes.open, stack);
    const seen: string[] = [];
    el.addEventListener('tessera-change', (event) => seen.push(event.detail.status));
    q<HTMLButtonElement>(el, '[part~="primary-button"]').click();
    await el.updateComplete;
    const name = q<HTMLInputElement>(el, '#signer-name');
    expect(name.getAttribute('aria-invalid')).to.equal('true');
    const described = name.getAttribute('aria-describedby');
    expect(described).to.be.a('string');
    expect(q(el, `#${described}`).textContent).to.match(/required/i);
    expectFocusOn(name);
    expect(seen).to.not.include('accepting');
    expect(el.state.status).to.equal('ready');
    await expect(el).to.be.accessible();
  });

  it('accepts through keyboard-reachable controls and fires tessera-success', async () => {
    const fresh = await demo();
    const el = await quote(fresh.quotes.open, fresh);
    const name = q<HTMLInputElement>(el, '#signer-name');
    const email = q<HTMLInputElement>(el, '#signer-email');
    const terms = q<HTMLInputElement>(el, '#accept-terms');
    const accept = q<HTMLButtonElement>(el, '[part~="primary-button"]');
    for (const control of [name, email, terms, accept]) {
      expect(control.tabIndex).to.equal(0);
      expect(control.hasAttribute('disabled')).to.equal(false);
    }
    name.focus();
    const success = oneEvent(el, 'tessera-success');
    // A keyboard user: type, Tab to the next control, Space ticks the box, Enter on Accept.
    await sendKeys({ type: 'Ada Lovelace' });
    await sendKeys({ press: 'Tab' });
    expectFocusOn(email);
    await sendKeys({ type: 'ada@nordlicht-analytics.example' });
    await sendKeys({ press: 'Tab' });
    expectFocusOn(terms);
    await sendKeys({ press: 'Space' });
    expect(terms.checked).to.equal(true);
    await sendKeys({ press: 'Tab' });
    expectFocusOn(accept);
    await sendKeys({ press: 'Enter' });
    const event = await success;
    expect(event.detail.action).to.equal('accept');
    expect(event.detail.quote.status).to.equal('accepted');
    expect(event.detail.quote.accepted_by?.name).to.equal('Ada Lovelace');
    await el.updateComplete;
    expect(el.state.status).to.equal('accepted');
    const status = q(el, '.message');
    expect(status.textContent).to.match(/You accepted quote/);
    expectFocusOn(status);
    expect(q(el, '[role="status"]').textContent).to.match(/You accepted quote/);
    await expect(el).to.be.accessible();
  });

  it('shows an expired quote as expired, without the form', async () => {
    const el = await quote(stack.quotes.expired, stack);
    expect(el.state.status).to.equal('expired');
    expect(q(el, '.message').textContent).to.match(/expired/);
    expect(describeNode(shadow(el).querySelector('form'))).to.equal('nothing');
    await expect(el).to.be.accessible();
  });

  it('says its outcome as a custom state, beside :state(ready): expired, accepted', async () => {
    const expired = await quote(stack.quotes.expired, stack);
    const states = (el: TesseraQuote) =>
      ['ready', 'error', 'expired', 'accepted', 'declined'].filter((name) =>
        el.matches(`:state(${name})`),
      );
    expect(states(expired)).to.deep.equal(['ready', 'expired']);
    const accepted = await quote(stack.quotes.accepted, stack);
    expect(states(accepted)).to.deep.equal(['ready', 'accepted']);
  });

  it('shows an error for an unknown quote, without a retry', async () => {
    const errored = new Promise<string>((resolve) =>
      document.addEventListener('tessera-error', (event) => resolve(event.detail.code), {
        once: true,
      }),
    );
    const el = await quote('qt_0000000000000000', stack);
    expect(await errored).to.equal('not_found');
    expect(el.state.status).to.equal('error');
    expect(el.matches(':state(error)') && !el.matches(':state(ready)')).to.equal(true);
    expect(q(el, '[role="alert"]').textContent).to.not.equal('');
    expect(describeNode(shadow(el).querySelector('[part~="primary-button"]'))).to.equal('nothing');
    await expect(el).to.be.accessible();
  });

  it('offers Retry on a retryable error, and recovers with it', async () => {
    const el = await quote(stack.quotes.open, {
      apiBase: stack.apiBase,
      tokenUrl: `${stack.tokenUrl}&fail=503&once=${crypto.randomUUID()}`,
    });
    expect(el.state.status).to.equal('error');
    if (el.state.status !== 'error') return;
    expect(el.state.error.code).to.equal('token_fetch_failed');
    expect(el.state.error.retryable).to.equal(true);
    const retry = q<HTMLButtonElement>(el, '[part~="primary-button"]');
    expect(retry.textContent).to.match(/Try again/);
    await expect(el).to.be.accessible();
    const ready = oneEvent(el, 'tessera-ready');
    retry.click();
    await ready;
    await el.updateComplete;
    expect(el.state.status).to.equal('ready');
    expectFocusOn(q(el, 'h2'));
  });

  it('shares one token between the widgets of one configure(), and reports to onEvent', async () => {
    const fresh = await demo();
    let fetched = 0;
    const events: string[] = [];
    configure({
      apiBase: fresh.apiBase,
      locale: 'en-US',
      fetchToken: async ({ sessionId }) => {
        fetched += 1;
        const response = await fetch(fresh.tokenUrl, {
          method: 'POST',
          body: JSON.stringify({ session_id: sessionId }),
        });
        return (await response.json()) as { token: string; expires_at: string };
      },
      onEvent: (event: TesseraEventLike) => events.push(event.type),
    });
    const el = await fixture<HTMLDivElement>(
      html`<div>
        <tessera-quote quote-id=${fresh.quotes.open}></tessera-quote>
        <tessera-quote quote-id=${fresh.quotes.accepted}></tessera-quote>
      </div>`,
    );
    const [open, accepted] = [...el.querySelectorAll('tessera-quote')];
    await waitUntil(
      () => open!.state.status !== 'loading' && accepted!.state.status !== 'loading',
      'the quotes never loaded',
      { timeout: 10_000 },
    );
    expect(open!.state.status).to.equal('ready');
    expect(accepted!.state.status).to.equal('accepted');
    expect(fetched).to.equal(1);
    expect(events.filter((type) => type === 'tessera-ready')).to.have.length(2);
  });

  it('keeps working after being moved in the DOM: it loads again and accepts', async () => {
    const fresh = await demo();
    const el = await settled(await mountQuote({ quoteId: fresh.quotes.open, ...fresh }), 'ready');
    const elsewhere = document.createElement('div');
    el.parentElement!.after(elsewhere);
    const ready = oneEvent(el, 'tessera-ready');
    elsewhere.append(el);
    await ready;
    await settled(el, 'ready');
    await typeSigner(el);
    await sendKeys({ press: 'Tab' });
    const success = oneEvent(el, 'tessera-success');
    await sendKeys({ press: 'Enter' });
    expect((await success).detail.quote.accepted_by?.name).to.equal(SIGNER.name);
    elsewhere.remove();
  });
});
