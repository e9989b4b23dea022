/**
 * The configuration context (widgets/core/context.ts) speaks the community context protocol as
 * `@lit/context` does: what the widgets rely on when elements move, when a provider is defined
 * after the widgets inside it, and when another copy of the widgets on the page uses the library.
 */
import { ContextConsumer, ContextProvider } from '@lit/context';
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import {
  ConfigurationProvider,
  configurationContext,
  consumeConfiguration,
  type ScopedConfiguration,
} from '../../../widgets/core/context.ts';
import '../../../widgets/core/define.ts';
import { TesseraProvider } from '../../../widgets/core/provider.ts';
import { describe, it } from '../../support/browser/mocha.ts';

/** An element that records each configuration it is given. */
class Probe extends LitElement {
  readonly seen: (ScopedConfiguration | undefined)[] = [];
  constructor() {
    super();
    consumeConfiguration(this, (value) => this.seen.push(value));
  }
  get locale(): string | undefined {
    return this.seen.at(-1)?.locale;
  }
}
customElements.define('context-probe', Probe);

/** A provider written with `@lit/context`, as another copy of the widgets may bring one. */
class LibraryProvider extends LitElement {
  readonly provider = new ContextProvider(this, {
    context: configurationContext as never,
    initialValue: { locale: 'fr' } as never,
  });
}
customElements.define('library-provider', LibraryProvider);

/** A consumer written with `@lit/context`. */
class LibraryConsumer extends LitElement {
  readonly consumer = new ContextConsumer(this, {
    context: configurationContext as never,
    subscribe: true,
  });
}
customElements.define('library-consumer', LibraryConsumer);

const provided = async (root: Element, selector: string) => {
  const provider = root.querySelector<TesseraProvider>(selector)!;
  await provider.updateComplete;
  return provider;
};

describe('configuration context', () => {
  it('an element gets the nearest provider’s configuration, and each change', async () => {
    const root = await fixture(html`
      <tessera-provider id="outer" locale="de">
        <tessera-provider id="inner" appearance="dark"
          ><context-probe></context-probe
        ></tessera-provider>
      </tessera-provider>
    `);
    await provided(root, '#inner');
    const probe = root.querySelector<Probe>('context-probe')!;
    expect(probe.seen.at(-1)).to.include({ locale: 'de', appearance: 'dark' });
    root.setAttribute('locale', 'es');
    await provided(root, '#inner');
    expect(probe.seen.at(-1)).to.include({ locale: 'es', appearance: 'dark' });
  });

  it('an element moved under another provider follows it and leaves the old one', async () => {
    const root = await fixture(html`
      <div>
        <tessera-provider id="a" locale="de"><context-probe></context-probe></tessera-provider>
        <tessera-provider id="b" locale="fr"></tessera-provider>
      </div>
    `);
    const a = await provided(root, '#a');
    const b = await provided(root, '#b');
    const probe = root.querySelector<Probe>('context-probe')!;
    expect(probe.locale).to.equal('de');
    b.append(probe);
    expect(probe.locale).to.equal('fr');
    const count = probe.seen.length;
    a.setAttribute('locale', 'es');
    await a.updateComplete;
    expect(probe.seen).to.have.length(count);
    b.setAttribute('locale', 'en');
    await b.updateComplete;
    expect(probe.locale).to.equal('en');
  });

  it('a detached element hears no more changes', async () => {
    const root = await fixture<TesseraProvider>(html`
      <tessera-provider locale="de"><context-probe></context-probe></tessera-provider>
    `);
    await root.updateComplete;
    const probe = root.querySelector<Probe>('context-probe')!;
    probe.remove();
    const count = probe.seen.length;
    root.setAttribute('locale', 'fr');
    await root.updateComplete;
    expect(probe.seen).to.have.length(count);
  });

  it('a provider defined after the elements inside it takes them over from the outer one', async () => {
    const root = await fixture<TesseraProvider>(html`
      <tessera-provider locale="de">
        <late-provider locale="fr"><context-probe></context-probe></late-provider>
      </tessera-provider>
    `);
    await root.updateComplete;
    const probe = root.querySelector<Probe>('context-probe')!;
    expect(probe.locale).to.equal('de');
    customElements.define('late-provider', class extends TesseraProvider {});
    const late = await provided(root, 'late-provider');
    expect(probe.locale).to.equal('fr');
    late.setAttribute('locale', 'es');
    await late.updateComplete;
    expect(probe.locale).to.equal('es');
    // It left the outer provider: a change there reaches it only through the inner one.
    root.setAttribute('locale', 'en');
    await root.updateComplete;
    await late.updateComplete;
    expect(probe.seen.map((value) => value?.locale)).not.to.include('en');
    expect(probe.locale).to.equal('es');
  });

  it('understands a provider and a consumer of @lit/context', async () => {
    const root = await fixture(html`
      <library-provider>
        <context-probe></context-probe>
        <tessera-provider appearance="dark"><library-consumer></library-consumer></tessera-provider>
      </library-provider>
    `);
    const library = root as LibraryProvider;
    const probe = root.querySelector<Probe>('context-probe')!;
    const consumer = root.querySelector<LibraryConsumer>('library-consumer')!;
    await provided(root, 'tessera-provider');
    expect(probe.locale).to.equal('fr');
    expect(consumer.consumer.value).to.include({ locale: 'fr', appearance: 'dark' });
    library.provider.setValue({ locale: 'de' } as never);
    await provided(root, 'tessera-provider');
    expect(probe.locale).to.equal('de');
    expect(consumer.consumer.value).to.include({ locale: 'de', appearance: 'dark' });
  });

  it('a provider does not answer its own element, and not another context', () => {
    const host = document.createElement('context-probe') as Probe;
    const provider = new ConfigurationProvider(host);
    provider.setValue({ locale: 'de' });
    let answered = false;
    const ask = (context: unknown, target: Element) => {
      const event = Object.assign(new Event('context-request', { bubbles: true, composed: true }), {
        context,
        contextTarget: target,
        callback: () => (answered = true),
        subscribe: false,
      });
      host.dispatchEvent(event);
    };
    ask(configurationContext, host);
    ask(Symbol.for('another'), document.body);
    expect(answered).to.equal(false);
    ask(configurationContext, document.body);
    expect(answered).to.equal(true);
  });
});
