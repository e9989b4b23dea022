/** `<tessera-quote>` on the page, and the steps a customer takes with it. */
import { fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../widgets/quote/define.ts';
import type { TesseraQuote } from '../../../widgets/quote/tessera-quote.ts';
import { shadowOf, until } from '../../support/browser/dom.ts';

export interface QuoteOptions {
  quoteId: string;
  apiBase: string;
  tokenUrl: string;
  locale?: string;
}

/** Mounts the quote; does not wait for it to load. */
export function mountQuote({
  quoteId,
  apiBase,
  tokenUrl,
  locale = 'en-US',
}: QuoteOptions): Promise<TesseraQuote> {
  return fixture<TesseraQuote>(
    html`<tessera-quote
      quote-id=${quoteId}
      api-base=${apiBase}
      token-url=${tokenUrl}
      locale=${locale}
    ></tessera-quote>`,
  );
}

/** Waits until the quote is in one of these states and rendered. */
export async function settled(el: TesseraQuote, ...statuses: string[]): Promise<TesseraQuote> {
  await until(
    () => statuses.includes(el.state.status),
    `the quote never reached ${statuses.join(' or ')} (it is ${el.state.status})`,
  );
  await el.updateComplete;
  return el;
}

/** Waits until the quote has left these states (e.g. after Retry: `error`, `accepting`). */
export async function left(el: TesseraQuote, ...statuses: string[]): Promise<string> {
  await until(() => !statuses.includes(el.state.status), `the quote stayed ${el.state.status}`);
  await el.updateComplete;
  return el.state.status;
}

export function field<T extends HTMLElement = HTMLInputElement>(el: TesseraQuote, id: string): T {
  const found = shadowOf(el).querySelector<T>(`#${id}`);
  if (!found) throw new Error(`#${id} is not rendered`);
  return found;
}

export const SIGNER = { name: 'Ada Lovelace', email: 'ada@nordlicht-analytics.example' };

/** Types the signer as a keyboard user would: name, Tab, email, Tab, Space on the terms box. */
export async function typeSigner(el: TesseraQuote, signer = SIGNER): Promise<void> {
  field(el, 'signer-name').focus();
  await sendKeys({ type: signer.name });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ type: signer.email });
  await sendKeys({ press: 'Tab' });
  await sendKeys({ press: 'Space' });
}
