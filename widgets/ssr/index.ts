/**
 * `@tessera/widgets/ssr` (Node): the widgets rendered on the partner's server — each element with
 * its declarative shadow root, the data it shows and the first widget token — so the page paints
 * the widget at once and the browser hydrates it (`@tessera/widgets/hydrate`, loaded before the
 * widgets) without asking for the same data again.
 */
import { ifDefined } from 'lit/directives/if-defined.js';
import { html, literal, type StaticValue } from 'lit/static-html.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import '../quote/define.ts';
import '../onboarding/define.ts';
import '../account/define.ts';
import { messages as accountMessages } from '../account/account.messages.ts';
import type { Appearance } from '../core/configure.ts';
import { messages as onboardingMessages } from '../onboarding/onboarding.messages.ts';
import { messages as quoteMessages } from '../quote/quote.messages.ts';
import { jwtClaims } from './claims.ts';
import {
  accountFromPartner,
  fetchAccount,
  fetchQuote,
  fetchReference,
  openOnboarding,
  quoteFromPartner,
  type SourceOptions,
} from './data.ts';
import { dataBlock, markup, type WidgetMarkup } from './markup.ts';

export type { WidgetMarkup } from './markup.ts';
export type { SourceOptions } from './data.ts';
export { WidgetError } from '../core/errors.ts';

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

/**
 * The element with the attributes every widget is rendered with (the same ones make the browser
 * render alike), its id attribute, and its data both as the property the server renders from and
 * as the data block the browser reads.
 */
async function widget(
  element: {
    tag: StaticValue;
    idAttribute: StaticValue;
    messages: { load(locale: string): Promise<unknown> };
  },
  id: string | undefined,
  options: RenderOptions,
  data: unknown,
): Promise<WidgetMarkup> {
  const locale = options.locale || 'en';
  await element.messages.load(locale);
  const { tag, idAttribute } = element;
  return markup(
    html`<${tag}
      ${idAttribute}=${ifDefined(id)}
      locale=${locale}
      appearance=${ifDefined(options.appearance)}
      api-base=${ifDefined(options.apiBase)}
      token-url=${ifDefined(options.tokenUrl)}
      token=${options.token}
      .serverData=${data}
      >${unsafeHTML(dataBlock(data))}</${tag}
    >`,
  );
}

const QUOTE = {
  tag: literal`tessera-quote`,
  idAttribute: literal`quote-id`,
  messages: quoteMessages,
};
const ACCOUNT = {
  tag: literal`tessera-account`,
  idAttribute: literal`account-id`,
  messages: accountMessages,
};
const ONBOARDING = {
  tag: literal`tessera-onboarding`,
  idAttribute: literal`application-id`,
  messages: onboardingMessages,
};

/** `<tessera-quote>` with the quote in it; rejects with a `WidgetError` when it cannot be shown. */
export async function renderQuote(options: QuoteRenderOptions): Promise<WidgetMarkup> {
  const read =
    options.quote !== undefined
      ? quoteFromPartner(options.quote, options.token)
      : await fetchQuote(options, options.quoteId ?? '');
  return widget(QUOTE, read.value.id, options, { quote: read.value, etag: read.etag });
}

export interface AccountRenderOptions extends RenderOptions {
  /**
   * The account as the partner API answered it (`tessera.accounts.get(externalId)` of
   * `@tessera/node`); or leave it out, and the renderer reads the token's customer's account from
   * `GET /v1/accounts/:id` (`apiBase` needed).
   */
  account?: unknown;
  /** By default the token's customer (`sub`). */
  accountId?: string | undefined;
}

/**
 * `<tessera-account>` with the account in it, and the countries to name its address's country
 * by when `apiBase` is given (as the widget would show them once loaded).
 */
export async function renderAccount(options: AccountRenderOptions): Promise<WidgetMarkup> {
  const accountId = options.accountId ?? jwtClaims(options.token).sub ?? '';
  const [read, reference] = await Promise.all([
    options.account !== undefined
      ? accountFromPartner(options.account, options.token)
      : fetchAccount(options, accountId),
    options.apiBase ? fetchReference(options) : undefined,
  ]);
  const data = {
    account: read.value,
    etag: read.etag,
    ...(reference ? { countries: reference.countries } : {}),
  };
  return widget(ACCOUNT, read.value.id, options, data);
}

export interface OnboardingRenderOptions extends RenderOptions {
  /** An application, `onb_…`; by default the token's customer's open one, started or resumed. */
  applicationId?: string | undefined;
}

/**
 * `<tessera-onboarding>` at the step the customer left it, with the reference data its form
 * needs. Read with the widget token from the widget routes (`apiBase` needed): the partner API
 * has no onboarding routes.
 */
export async function renderOnboarding(options: OnboardingRenderOptions): Promise<WidgetMarkup> {
  const [read, reference] = await Promise.all([
    openOnboarding(options, options.applicationId),
    fetchReference(options),
  ]);
  return widget(ONBOARDING, options.applicationId, options, {
    application: read.value,
    etag: read.etag,
    ...reference,
  });
}
