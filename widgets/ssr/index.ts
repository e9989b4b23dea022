/**
 * `@tessera/widgets/ssr` (Node): the widgets rendered on the partner's server — each element with
 * its declarative shadow root, the data it shows and the first widget token — so the page paints
 * the widget at once and the browser hydrates it (`@tessera/widgets/hydrate`, loaded before the
 * widgets) without asking for the same data again.
 */
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import '../quote/define.ts';
import type { Appearance } from '../core/configure.ts';
import { messages as quoteMessages } from '../quote/quote.messages.ts';
import { fetchQuote, quoteFromPartner, type SourceOptions } from './data.ts';
import { dataBlock, markup, type WidgetMarkup } from './markup.ts';

export type { WidgetMarkup } from './markup.ts';

export interface RenderOptions extends SourceOptions {
  /**
   * A BCP 47 tag (`en` by default): the strings, money and dates. The browser must render in the
   * same one, which the element's `locale` attribute written here sees to.
   */
  locale?: string | undefined;
  /** `light` (default) or `dark`. */
  appearance?: Appearance | undefined;
  /**
   * The partner endpoint answering `{ token, expires_at }`, from which the widget refreshes the
   * token handed over (`token-url`); leave out when the page calls `configure({ fetchToken })`.
   */
  tokenUrl?: string | undefined;
}

export interface QuoteRenderOptions extends RenderOptions {
  /**
   * The quote as the partner API answered it (`tessera.quotes.get(id)` of `@tessera/node`); or
   * give `quoteId` and `apiBase`, and the renderer reads it from `GET /v1/quotes/:id`.
   */
  quote?: unknown;
  quoteId?: string | undefined;
}

/** The attributes every widget is rendered with; the same ones make the browser render alike. */
function common(options: RenderOptions) {
  return {
    locale: options.locale || 'en',
    appearance: options.appearance,
    apiBase: options.apiBase,
    tokenUrl: options.tokenUrl,
    token: options.token,
  };
}

/** `<tessera-quote>` with the quote in it; rejects with a `WidgetError` when it cannot be shown. */
export async function renderQuote(options: QuoteRenderOptions): Promise<WidgetMarkup> {
  const read =
    options.quote !== undefined
      ? quoteFromPartner(options.quote, options.token)
      : await fetchQuote(options, options.quoteId ?? '');
  const data = { quote: read.value, etag: read.etag };
  const a = common(options);
  await quoteMessages.load(a.locale);
  return markup(
    html`<tessera-quote
      quote-id=${read.value.id}
      locale=${a.locale}
      appearance=${ifDefined(a.appearance)}
      api-base=${ifDefined(a.apiBase)}
      token-url=${ifDefined(a.tokenUrl)}
      token=${a.token}
      .serverData=${data}
      >${unsafeHTML(dataBlock(data))}</tessera-quote
    >`,
  );
}
