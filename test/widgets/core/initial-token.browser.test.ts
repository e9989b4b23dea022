/**
 * A server-rendered page hands the widget its first token (`token` attribute, or
 * `configure({ initialToken })`): the widget asks for its data at once, without first asking the
 * partner's backend, and refreshes through its token source as usual.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { configure } from '../../../widgets/core/configure.ts';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import { until } from '../../support/browser/dom.ts';
import {
  demo,
  faults,
  quotePath,
  tokenLog,
  tokenUrl,
  type Demo,
} from '../../support/browser/stack.ts';
import { afterEach, beforeEach, describe, it } from '../../support/browser/mocha.ts';
import { field, settled, typeSigner } from '../quote/quote-fixture.ts';

/** What the partner's server does while rendering the page: mints a token with its secret. */
async function renderedToken(
  d: Demo,
  ttl?: number,
): Promise<{ token: string; expires_at: string }> {
  const response = await fetch(tokenUrl(d, ttl === undefined ? {} : { ttl }), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  return (await response.json()) as { token: string; expires_at: string };
}

function jtiOf(token: string | null | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  return (JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { jti: string }).jti;
}

describe('the first token handed over by the page', () => {
  let d: Demo;

  beforeEach(async () => {
    await faults.reset();
    d = await demo();
  });

  afterEach(() => faults.reset());

  it('token attribute: loads the quote with it, asking the backend for no token, then refreshes through token-url before it expires', async () => {
    const initial = await renderedToken(d, 5);
    const el = await fixture<TesseraQuote>(html`
      <tessera-quote
        quote-id=${d.quotes.open}
        api-base=${d.faultApiBase}
        token-url=${d.tokenUrl}
        token=${initial.token}
        locale="en-US"
      ></tessera-quote>
    `);
    await settled(el, 'ready', 'error');
    expect(el.state.status).to.equal('ready');
    await expect(el).to.be.accessible();
    // The one mint is the page's own; the widget asked for none.
    expect(await tokenLog(d.accountId)).to.have.length(1);
    const [read] = await faults.log('GET', quotePath(d.quotes.open));
    expect(read?.token?.jti).to.equal(jtiOf(initial.token));

    // Before the 5 s token runs out, the widget gets the next one from token-url by itself.
    await until(async () => (await tokenLog(d.accountId)).length === 2, 'no refresh');
    const refreshed = (await tokenLog(d.accountId))[1];
    expect(refreshed?.status).to.equal(200);
    await until(() => Date.now() > Date.parse(initial.expires_at) + 500, 'never expired');

    await typeSigner(el);
    field(el, 'accept-terms').focus();
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await settled(el, 'accepted', 'error');
    expect(el.state.status).to.equal('accepted');
    const [accept] = await faults.log('POST', quotePath(d.quotes.open, 'accept'));
    expect(accept?.token?.jti).to.equal(jtiOf(refreshed?.token));
    expect(await tokenLog(d.accountId)).to.have.length(2);
  });

  it('configure({ initialToken }) with what token-url answers: the widgets start with it', async () => {
    const initial = await renderedToken(d);
    configure({ apiBase: d.faultApiBase, tokenUrl: d.tokenUrl, initialToken: initial });
    const el = await fixture<TesseraQuote>(
      html`<tessera-quote quote-id=${d.quotes.open} locale="en-US"></tessera-quote>`,
    );
    await settled(el, 'ready', 'error');
    expect(el.state.status).to.equal('ready');
    expect(await tokenLog(d.accountId)).to.have.length(1);
    const [read] = await faults.log('GET', quotePath(d.quotes.open));
    expect(read?.token?.jti).to.equal(jtiOf(initial.token));
  });

  it('an initial token already past its end is not sent: the widget fetches a fresh one first', async () => {
    const initial = await renderedToken(d);
    const past = new Date(Date.now() - 60_000).toISOString();
    configure({
      apiBase: d.faultApiBase,
      tokenUrl: d.tokenUrl,
      initialToken: { token: initial.token, expires_at: past },
    });
    const el = await fixture<TesseraQuote>(
      html`<tessera-quote quote-id=${d.quotes.open} locale="en-US"></tessera-quote>`,
    );
    await settled(el, 'ready', 'error');
    expect(el.state.status).to.equal('ready');
    const mints = await tokenLog(d.accountId);
    expect(mints).to.have.length(2);
    const [read] = await faults.log('GET', quotePath(d.quotes.open));
    expect(read?.token?.jti).to.equal(jtiOf(mints[1]?.token));
  });
});
