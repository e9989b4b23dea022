/**
 * Widgets inside another component's shadow root (an app shell of Lit components, as partners
 * build them) take their configuration from a `<tessera-provider>` outside or inside that shadow
 * root, and their events reach the page.
 */
import { expect, fixture } from '@open-wc/testing';
import { LitElement, html } from 'lit';
import '../../../widgets/core/define.ts';
import type { WidgetElement } from './widget-states.ts';
import { clearFaults, freshDemo, settled } from './widget-states.ts';
import { afterEach, describe, it } from '../../support/browser/mocha.ts';
import { tokenUrl } from '../../support/browser/stack.ts';

/** A partner's shell: a header and a main area, the quote deep inside its shadow root. */
class AppShell extends LitElement {
  static override properties = { quoteId: { attribute: 'quote-id' }, provided: { type: Boolean } };
  declare quoteId: string;
  declare provided: boolean;
  declare apiBase: string;
  declare tokenUrl: string;

  override render() {
    const quote = html`<app-panel
      ><tessera-quote quote-id=${this.quoteId}></tessera-quote
    ></app-panel>`;
    return html`<header>Shop</header>
      <main>
        ${
          this.provided
            ? html`<tessera-provider
                api-base=${this.apiBase}
                token-url=${this.tokenUrl}
                locale="en-US"
                >${quote}</tessera-provider
              >`
            : quote
        }
      </main>`;
  }
}

/** A second level of shadow root, slotting nothing: the quote is rendered by the shell into it. */
class AppPanel extends LitElement {
  override render() {
    return html`<section><slot></slot></section>`;
  }
}

customElements.define('app-shell', AppShell);
customElements.define('app-panel', AppPanel);

function quoteIn(shell: Element): WidgetElement {
  const quote = shell.shadowRoot?.querySelector<WidgetElement>('tessera-quote');
  if (!quote) throw new Error('the shell rendered no quote');
  return quote;
}

describe('widgets inside another component shadow root', () => {
  afterEach(clearFaults);

  it('a provider outside configures the quote inside it, and its events reach the page', async () => {
    const d = await freshDemo();
    // What the page hears while the event is dispatched (the path is empty afterwards).
    const heard: {
      composed: boolean;
      origin: EventTarget | undefined;
      target: EventTarget | null;
    }[] = [];
    const listener = (event: Event) =>
      heard.push({
        composed: event.composed,
        origin: event.composedPath()[0],
        target: event.target,
      });
    document.addEventListener('tessera-ready', listener);
    const shell = await fixture<AppShell>(
      html`<tessera-provider
        api-base=${d.apiBase}
        token-url=${tokenUrl(d)}
        locale="en-US"
        appearance="dark"
      >
        <app-shell quote-id=${d.quotes.open}></app-shell>
      </tessera-provider>`,
    ).then((provider) => provider.querySelector<AppShell>('app-shell')!);
    await shell.updateComplete;
    const quote = await settled(quoteIn(shell), 'ready');
    document.removeEventListener('tessera-ready', listener);
    expect(heard, 'one tessera-ready heard on the page').to.have.length(1);
    expect(heard[0]!.composed).to.equal(true);
    expect(heard[0]!.origin === quote, 'dispatched by the quote').to.equal(true);
    expect(heard[0]!.target === shell, 'seen from the page as coming from the shell').to.equal(
      true,
    );
    const base = quote.shadowRoot!.querySelector('[part~="base"]')!;
    expect(base.classList.contains('dark'), 'the provider’s appearance').to.equal(true);
  });

  it('a provider inside the shell’s shadow root configures the quote beside it', async () => {
    const d = await freshDemo();
    const shell = document.createElement('app-shell') as AppShell;
    shell.quoteId = d.quotes.open;
    shell.provided = true;
    shell.apiBase = d.apiBase;
    shell.tokenUrl = tokenUrl(d);
    await fixture(shell);
    await shell.updateComplete;
    await settled(quoteIn(shell), 'ready');
  });
});
