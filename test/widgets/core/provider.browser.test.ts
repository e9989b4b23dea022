/**
 * `<tessera-provider>` configures the widgets inside it, under the page's `configure()` and under
 * each widget's own attributes, against the real stack.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { configure } from '../../../widgets/core/configure.ts';
import '../../../widgets/core/define.ts';
import '../../../widgets/quote/define.ts';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import { buttonsNamed, part, textOf, until } from '../../support/browser/dom.ts';
import {
  demo,
  faults,
  quotePath,
  tokenLog,
  tokenUrl,
  type Demo,
} from '../../support/browser/stack.ts';
import { afterEach, beforeEach, describe, it } from '../../support/browser/mocha.ts';

async function settledAll(root: Element): Promise<TesseraQuote[]> {
  const quotes = [...root.querySelectorAll('tessera-quote')];
  await until(
    () => quotes.every((el) => !['loading', 'accepting'].includes(el.state.status)),
    'the quotes never loaded',
  );
  await Promise.all(quotes.map((el) => el.updateComplete));
  return quotes;
}

function background(el: TesseraQuote): string {
  return getComputedStyle(part(el, 'base')!).backgroundColor;
}

const LIGHT = 'rgb(255, 255, 255)';
const DARK = 'rgb(27, 27, 31)';

describe('<tessera-provider>', () => {
  let d: Demo;

  beforeEach(async () => {
    await faults.reset();
    d = await demo();
  });

  afterEach(() => faults.reset());

  it('configures the widgets inside it: api-base, token-url, locale and appearance', async () => {
    const root = await fixture(html`
      <tessera-provider
        api-base=${d.faultApiBase}
        token-url=${d.tokenUrl}
        locale="de"
        appearance="dark"
      >
        <section><tessera-quote quote-id=${d.quotes.open}></tessera-quote></section>
      </tessera-provider>
    `);
    const [el] = await settledAll(root);
    expect(el!.state.status).to.equal('ready');
    expect(await faults.log('GET', quotePath(d.quotes.open))).to.have.length(1);
    await until(() => buttonsNamed(el!, 'Angebot annehmen').length === 1, 'no German');
    expect(background(el!)).to.equal(DARK);
    await expect(el!).to.be.accessible();
  });

  it("an element's own attributes win over its provider", async () => {
    const root = await fixture(html`
      <tessera-provider
        api-base=${d.apiBase}
        token-url=${tokenUrl(d, { fail: 503, once: false })}
        locale="de"
        appearance="dark"
      >
        <tessera-quote
          quote-id=${d.quotes.open}
          api-base=${d.faultApiBase}
          token-url=${d.tokenUrl}
          locale="en-US"
          appearance="light"
        ></tessera-quote>
      </tessera-provider>
    `);
    const [el] = await settledAll(root);
    expect(el!.state.status).to.equal('ready');
    expect(await faults.log('GET', quotePath(d.quotes.open))).to.have.length(1);
    expect(buttonsNamed(el!, 'Accept quote')).to.have.length(1);
    expect(background(el!)).to.equal(LIGHT);
    expect((await tokenLog(d.accountId)).map((mint) => mint.status)).to.deep.equal([200]);
  });

  it("an element's api-base alone keeps its provider's token source", async () => {
    const root = await fixture(html`
      <tessera-provider api-base=${d.apiBase} token-url=${d.tokenUrl}>
        <tessera-quote quote-id=${d.quotes.open} api-base=${d.faultApiBase}></tessera-quote>
      </tessera-provider>
    `);
    const [el] = await settledAll(root);
    expect(el!.state.status).to.equal('ready');
    expect(await faults.log('GET', quotePath(d.quotes.open))).to.have.length(1);
    expect(await tokenLog(d.accountId)).to.have.length(1);
  });

  it('a nested provider refines the outer one: its locale and appearance, the outer token source', async () => {
    const root = await fixture(html`
      <tessera-provider api-base=${d.faultApiBase} token-url=${d.tokenUrl} locale="de">
        <tessera-quote id="outer" quote-id=${d.quotes.open}></tessera-quote>
        <tessera-provider locale="fr" appearance="dark">
          <tessera-quote id="inner" quote-id=${d.quotes.open}></tessera-quote>
        </tessera-provider>
      </tessera-provider>
    `);
    const [outer, inner] = await settledAll(root);
    expect([outer!.state.status, inner!.state.status]).to.deep.equal(['ready', 'ready']);
    await until(() => buttonsNamed(outer!, 'Angebot annehmen').length === 1, 'outer not German');
    await until(() => buttonsNamed(inner!, 'Accepter le devis').length === 1, 'inner not French');
    expect(background(outer!)).to.equal(LIGHT);
    expect(background(inner!)).to.equal(DARK);
  });

  it("a nested provider's token-url replaces the outer one for the widgets inside it", async () => {
    const other = await demo();
    const root = await fixture(html`
      <tessera-provider api-base=${d.faultApiBase} token-url=${d.tokenUrl}>
        <tessera-quote quote-id=${d.quotes.open}></tessera-quote>
        <tessera-provider token-url=${other.tokenUrl}>
          <tessera-quote quote-id=${other.quotes.open}></tessera-quote>
        </tessera-provider>
      </tessera-provider>
    `);
    const [mine, theirs] = await settledAll(root);
    // Each account's quote is visible only with that account's token.
    expect([mine!.state.status, theirs!.state.status]).to.deep.equal(['ready', 'ready']);
    expect(await tokenLog(d.accountId)).to.have.length(1);
    expect(await tokenLog(other.accountId)).to.have.length(1);
  });

  it('the widgets of one provider share one token and one session', async () => {
    const root = await fixture(html`
      <tessera-provider api-base=${d.faultApiBase} token-url=${d.tokenUrl}>
        <tessera-quote quote-id=${d.quotes.open}></tessera-quote>
        <div><tessera-quote quote-id=${d.quotes.accepted}></tessera-quote></div>
        <tessera-quote quote-id=${d.quotes.expired}></tessera-quote>
      </tessera-provider>
    `);
    const quotes = await settledAll(root);
    expect(quotes.map((el) => el.state.status)).to.deep.equal(['ready', 'accepted', 'expired']);
    expect(await tokenLog(d.accountId)).to.have.length(1);
    const log = await faults.log('GET');
    expect(log).to.have.length(3);
    expect(new Set(log.map((entry) => entry.sessionId)).size).to.equal(1);
    expect(new Set(log.map((entry) => entry.token?.jti)).size).to.equal(1);
  });

  it('a change on the provider reaches the widgets inside it', async () => {
    const root = await fixture<HTMLElement>(html`
      <tessera-provider api-base=${d.faultApiBase} token-url=${d.tokenUrl} locale="en-US">
        <tessera-quote quote-id=${d.quotes.open}></tessera-quote>
      </tessera-provider>
    `);
    const [el] = await settledAll(root);
    expect(buttonsNamed(el!, 'Accept quote')).to.have.length(1);
    root.setAttribute('locale', 'es');
    root.setAttribute('appearance', 'dark');
    await until(() => buttonsNamed(el!, 'Aceptar presupuesto').length === 1, 'not Spanish');
    expect(background(el!)).to.equal(DARK);
    expect(el!.state.status).to.equal('ready');
  });

  it("configure() and a provider merge: the page's token source and locale, the provider's appearance", async () => {
    let fetched = 0;
    configure({
      apiBase: d.faultApiBase,
      locale: 'de',
      fetchToken: async ({ sessionId }) => {
        fetched += 1;
        const response = await fetch(d.tokenUrl, {
          method: 'POST',
          body: JSON.stringify({ session_id: sessionId }),
        });
        return (await response.json()) as { token: string; expires_at: string };
      },
    });
    const root = await fixture(html`
      <tessera-provider appearance="dark">
        <tessera-quote quote-id=${d.quotes.open}></tessera-quote>
      </tessera-provider>
    `);
    const [el] = await settledAll(root);
    expect(el!.state.status).to.equal('ready');
    expect(fetched).to.equal(1);
    await until(() => textOf(el!).includes('Angebot annehmen'), 'the page locale did not apply');
    expect(background(el!)).to.equal(DARK);

    // A provider with its own token-url replaces the page's fetchToken for its widgets.
    const other = await demo();
    const second = await fixture(html`
      <tessera-provider token-url=${other.tokenUrl}>
        <tessera-quote quote-id=${other.quotes.open}></tessera-quote>
      </tessera-provider>
    `);
    const [theirs] = await settledAll(second);
    expect(theirs!.state.status).to.equal('ready');
    expect(fetched).to.equal(1);
    expect(await tokenLog(other.accountId)).to.have.length(1);
    expect(await faults.log('GET', quotePath(other.quotes.open))).to.have.length(1);
  });
});
