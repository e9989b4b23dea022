import type { Meta, StoryContext, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { expect, fn, userEvent } from 'storybook/test';
import { Quote } from '../contracts/index.ts';
import { formatMoney } from '../widgets/core/format.ts';
import '../widgets/quote/define.ts';
import type { TesseraQuote } from '../widgets/quote/tessera-quote.ts';
import {
  acceptedQuote,
  declinedQuote,
  expiredQuote,
  longNamesQuote,
  longQuote,
  malformedQuote,
  openQuote,
} from './fixtures.ts';
import {
  after,
  always,
  failure,
  first,
  hang,
  malformed,
  networkError,
  quoteApi,
  reference,
  respond,
  tokenEndpoint,
} from './mocks/index.ts';
import {
  errorCode,
  errorText,
  focused,
  plain,
  requests,
  settled,
  shown,
  until,
  view,
  widget,
} from './play.ts';
import {
  argTypesFor,
  cssVariables,
  customTheme,
  docsFor,
  LIVE,
  liveStack,
  noStack,
  unstyled,
  type LiveStack,
} from './render.ts';

interface QuoteArgs {
  quoteId: string;
  locale?: string;
  appearance?: 'light' | 'dark';
  unstyled?: boolean;
  terms: string;
  footer: string;
  onTesseraReady: (event: Event) => void;
  onTesseraChange: (event: Event) => void;
  onTesseraSuccess: (event: Event) => void;
  onTesseraError: (event: Event) => void;
  [cssProperty: `--${string}`]: string;
}

type Story = StoryObj<QuoteArgs>;

const FULL = ['quote:read', 'quote:accept'] as const;
const SIGNER = { name: 'Ada Lovelace', email: 'ada@nordlicht-analytics.example' };

function render(args: QuoteArgs, context: StoryContext<QuoteArgs>) {
  return html`<tessera-quote
    quote-id=${args.quoteId}
    locale=${args.locale || nothing}
    appearance=${args.appearance || nothing}
    ?unstyled=${args.unstyled || unstyled(context)}
    style=${cssVariables(args) || nothing}
    @tessera-ready=${args.onTesseraReady}
    @tessera-change=${args.onTesseraChange}
    @tessera-success=${args.onTesseraSuccess}
    @tessera-error=${args.onTesseraError}
  >
    ${args.terms ? html`<p slot="terms">${args.terms}</p>` : nothing}
    ${args.footer ? html`<p slot="footer">${args.footer}</p>` : nothing}
  </tessera-quote>`;
}

const meta: Meta<QuoteArgs> = {
  title: 'Widgets/Quote',
  component: 'tessera-quote',
  render,
  args: {
    quoteId: openQuote.id,
    terms: '',
    footer: '',
    onTesseraReady: fn(),
    onTesseraChange: fn(),
    onTesseraSuccess: fn(),
    onTesseraError: fn(),
  },
  argTypes: argTypesFor('tessera-quote', 'quoteId'),
  parameters: {
    docs: docsFor('tessera-quote'),
    msw: {
      handlers: {
        token: tokenEndpoint({ scopes: FULL }),
        reference: reference(),
        quote: quoteApi(openQuote),
      },
    },
  },
};
export default meta;

/** The story's `<tessera-quote>`, typed. */
const quoteIn = (canvas: HTMLElement) => widget<TesseraQuote>(canvas, 'tessera-quote');
const money = (amount: number, locale = 'en') =>
  plain(formatMoney(locale, openQuote.currency, amount));
const RETRY = { name: 'Try again' };

async function typeSigner(el: TesseraQuote) {
  const v = view(el);
  await userEvent.type(v.getByLabelText('Your name'), SIGNER.name);
  await userEvent.type(v.getByLabelText('Your email'), SIGNER.email);
  await userEvent.click(v.getByLabelText('I accept the terms of this quote'));
}

// --- states --------------------------------------------------------------------------------------

/** An open quote: line items, totals, and the form to accept it. */
export const Ready: Story = {
  args: { terms: 'The general terms of Nordlicht Analytics GmbH apply.' },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    const v = view(el);
    await expect(v.getByRole('heading', { name: `Quote ${openQuote.number}` })).toBeVisible();
    await expect(v.getAllByRole('row')).toHaveLength(1 + openQuote.line_items.length + 3);
    await expect(el.shadowRoot?.querySelector('[part~="total"]')).toHaveTextContent(
      money(openQuote.total),
    );
    await expect(v.getByRole('button', { name: 'Accept quote' })).toBeEnabled();
    await expect(v.getByRole('button', { name: 'Decline' })).toBeEnabled();
    await expect(v.getByLabelText('Your name')).toHaveAttribute('aria-invalid', 'false');
    await expect(args.onTesseraReady).toHaveBeenCalledTimes(1);
    await expect(args.onTesseraError).not.toHaveBeenCalled();
  },
};

/** The API has not answered yet: the widget says so, busy, without a table or buttons. */
export const Loading: Story = {
  parameters: { msw: { handlers: { quote: quoteApi(openQuote, { load: always(hang) }) } } },
  play: async ({ canvasElement }) => {
    const el = await quoteIn(canvasElement);
    await until(
      () => requests('GET', `/quotes/${openQuote.id}`).length === 1,
      () => 'no GET',
    );
    await el.updateComplete;
    const v = view(el);
    await expect(el.state.status).toBe('loading');
    await expect(v.getByRole('heading', { name: 'Loading quote…' })).toBeVisible();
    await expect(el.shadowRoot?.querySelector('[part~="base"]')).toHaveAttribute(
      'aria-busy',
      'true',
    );
    await expect(v.getByRole('status')).toHaveTextContent('Loading quote…');
    await expect(v.queryByRole('table')).toBeNull();
    await expect(v.queryByRole('button')).toBeNull();
  },
};

/** The customer fills the form and accepts: the API records it and the widget thanks them. */
export const Accept: Story = {
  play: async ({ canvasElement, args, step }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await step('Fill in and accept', async () => {
      await typeSigner(el);
      await userEvent.click(view(el).getByRole('button', { name: 'Accept quote' }));
    });
    await settled(el, 'accepted');
    const message = shown(el, new RegExp(`You accepted quote ${openQuote.number}`));
    await expect(message).toHaveTextContent(`Accepted by ${SIGNER.name}.`);
    await expect(focused(el)).toBe(message);
    await expect(view(el).queryByRole('button')).toBeNull();
    const [post] = requests('POST', '/accept');
    await expect(post?.ifMatch).toBe('"1"');
    await expect(post?.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    await expect(args.onTesseraSuccess).toHaveBeenCalledTimes(1);
  },
};

/** The customer declines with a reason. */
export const Decline: Story = {
  play: async ({ canvasElement, args }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await userEvent.click(view(el).getByRole('button', { name: 'Decline' }));
    await el.updateComplete;
    const reason = view(el).getByLabelText('Reason (optional)');
    await expect(focused(el)).toBe(reason);
    await userEvent.type(reason, 'The budget moved to next year.');
    await userEvent.click(view(el).getByRole('button', { name: 'Decline quote' }));
    await settled(el, 'declined');
    await expect(shown(el, `Quote ${openQuote.number} was declined.`)).toBeVisible();
    await expect(args.onTesseraSuccess).toHaveBeenCalledTimes(1);
  },
};

/** Terminal: accepted earlier (here by a colleague), read-only. */
export const Accepted: Story = {
  args: { quoteId: acceptedQuote.id },
  parameters: { msw: { handlers: { quote: quoteApi(acceptedQuote) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'accepted');
    await expect(shown(el, /Accepted by Lena Schäfer\./)).toBeVisible();
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

/** Terminal: declined earlier. */
export const Declined: Story = {
  args: { quoteId: declinedQuote.id },
  parameters: { msw: { handlers: { quote: quoteApi(declinedQuote) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'declined');
    await expect(shown(el, `Quote ${declinedQuote.number} was declined.`)).toBeVisible();
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

/** Terminal: past its validity, so it can no longer be decided. */
export const Expired: Story = {
  args: { quoteId: expiredQuote.id },
  parameters: { msw: { handlers: { quote: quoteApi(expiredQuote) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'expired');
    await expect(shown(el, /expired on .+ Ask for a new quote\./)).toBeVisible();
    await expect(view(el).queryByRole('form')).toBeNull();
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

/** The token lacks `quote:accept`: the quote is shown without the buttons the API would refuse. */
export const ReadOnly: Story = {
  parameters: { msw: { handlers: { token: tokenEndpoint({ scopes: ['quote:read'] }) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'forbidden');
    const v = view(el);
    await expect(v.getByRole('heading', { name: `Quote ${openQuote.number}` })).toBeVisible();
    await expect(
      shown(el, 'You can view this quote, but you may not accept or decline it.'),
    ).toBeVisible();
    await expect(v.queryByRole('button')).toBeNull();
    await expect(requests('POST')).toHaveLength(1); // the token, nothing else
  },
};

/** Accept with nothing filled in: each field says what is wrong, and nothing is sent. */
export const ValidationErrors: Story = {
  play: async ({ canvasElement, step }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    const v = view(el);
    await step('Submit the empty form', async () => {
      await userEvent.click(v.getByRole('button', { name: 'Accept quote' }));
      await el.updateComplete;
    });
    const name = v.getByLabelText('Your name');
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await expect(name).toHaveAccessibleDescription('This field is required.');
    await expect(v.getByLabelText('I accept the terms of this quote')).toHaveAccessibleDescription(
      'Accept the terms to continue.',
    );
    await expect(focused(el)).toBe(name);
    await expect(v.getByRole('status')).toHaveTextContent('Please correct the highlighted fields.');
    await step('A name, but an email that is not one', async () => {
      await userEvent.type(name, SIGNER.name);
      await userEvent.type(v.getByLabelText('Your email'), 'ada-at-example');
      await userEvent.click(v.getByRole('button', { name: 'Accept quote' }));
      await el.updateComplete;
    });
    const email = v.getByLabelText('Your email');
    await expect(email).toHaveAccessibleDescription(
      'Enter an email address like name@example.com.',
    );
    await expect(v.getByLabelText('Your name')).toHaveAttribute('aria-invalid', 'false');
    await expect(focused(el)).toBe(email);
    await expect(requests('POST', '/accept')).toHaveLength(0);
  },
};

/** The API refuses a field the widget let through (400 validation_failed with details.fields). */
export const ServerValidation: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, {
          accept: always(() =>
            failure('validation_failed', {
              details: {
                fields: [
                  {
                    path: 'signer_email',
                    code: 'invalid_format',
                    message: 'this mail domain does not receive mail',
                  },
                ],
              },
            }),
          ),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await typeSigner(el);
    await userEvent.click(view(el).getByRole('button', { name: 'Accept quote' }));
    await until(
      () => requests('POST', '/accept').length === 1,
      () => 'no accept sent',
    );
    await settled(el, 'ready');
    const email = view(el).getByLabelText('Your email');
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await expect(focused(el)).toBe(email);
  },
};

// --- tokens --------------------------------------------------------------------------------------

/** The API says the token expired (401 token_expired): one new token, the same request again. */
export const TokenExpiredThenRefreshed: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, { load: first(1, () => failure('token_expired')) }),
      },
    },
  },
  play: async ({ canvasElement, args }) => {
    await settled(await quoteIn(canvasElement), 'ready');
    const tokens = requests('POST', '/api/widget-token');
    const loads = requests('GET', `/quotes/${openQuote.id}`);
    await expect(tokens).toHaveLength(2);
    await expect(loads.map((load) => load.status)).toEqual([401, 200]);
    await expect(loads[0]?.token).toBe(tokens[0]?.token);
    await expect(loads[1]?.token).toBe(tokens[1]?.token);
    await expect(args.onTesseraError).not.toHaveBeenCalled();
  },
};

/** A short-lived token is refreshed ahead of expiry, so the customer's accept uses a fresh one. */
export const TokenRefreshedBeforeExpiry: Story = {
  parameters: {
    msw: { handlers: { token: tokenEndpoint({ scopes: FULL, ttlSeconds: [3, 300] }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await until(
      () => requests('POST', '/api/widget-token').length === 2,
      () => 'the token was not refreshed before it expired',
      5_000,
    );
    await typeSigner(el);
    await userEvent.click(view(el).getByRole('button', { name: 'Accept quote' }));
    await settled(el, 'accepted');
    const [, fresh] = requests('POST', '/api/widget-token');
    await expect(requests('POST', '/accept')[0]?.token).toBe(fresh?.token);
  },
};

/** The partner's token endpoint fails: the widget says so and offers to try again. */
export const TokenEndpointFails: Story = {
  parameters: {
    msw: { handlers: { token: tokenEndpoint({ scopes: FULL, fail: 503 }) } },
  },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await quoteIn(canvasElement), 'error');
    const v = view(el);
    await expect(errorCode(el)).toBe('token_fetch_failed');
    await expect(v.getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
    await expect(v.getByRole('alert')).toHaveTextContent(errorText('token_fetch_failed'));
    await expect(v.getByRole('button', RETRY)).toBeVisible();
    await expect(requests('GET')).toHaveLength(0);
    await expect(args.onTesseraError).toHaveBeenCalledTimes(1);
  },
};

// --- what the API can answer -----------------------------------------------------------------------

/** 403 insufficient_scope on load: the API refuses even to show the quote. */
export const Forbidden: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, { load: always(() => failure('insufficient_scope')) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'forbidden');
    const v = view(el);
    await expect(v.getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
    await expect(
      shown(el, 'You can view this quote, but you may not accept or decline it.'),
    ).toBeVisible();
    await expect(v.queryByRole('button')).toBeNull();
  },
};

/** 403 insufficient_scope on accept: the token's scope was withdrawn meanwhile. */
export const AcceptForbidden: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, { accept: always(() => failure('insufficient_scope')) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await typeSigner(el);
    await userEvent.click(view(el).getByRole('button', { name: 'Accept quote' }));
    await settled(el, 'forbidden');
    await expect(
      shown(el, 'You can view this quote, but you may not accept or decline it.'),
    ).toBeVisible();
    await expect(
      view(el).getByRole('heading', { name: `Quote ${openQuote.number}` }),
    ).toBeVisible();
  },
};

/** 404 not_found: no such quote, or not this customer's. Nothing to retry. */
export const NotFound: Story = {
  args: { quoteId: 'qt_DoesNotExist0001' },
  play: async ({ canvasElement, args }) => {
    const el = await settled(await quoteIn(canvasElement), 'error');
    const v = view(el);
    await expect(errorCode(el)).toBe('not_found');
    await expect(v.getByRole('alert')).toHaveTextContent(errorText('not_found'));
    await expect(v.getByRole('alert')).toHaveTextContent(/Reference: req_story_\d+/);
    await expect(v.queryByRole('button')).toBeNull();
    await expect(args.onTesseraError).toHaveBeenCalledTimes(1);
  },
};

/** 409 quote_expired on accept: it expired while the customer was reading. */
export const ExpiredWhileOpen: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, { accept: always(() => failure('quote_expired')) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await typeSigner(el);
    await userEvent.click(view(el).getByRole('button', { name: 'Accept quote' }));
    await settled(el, 'expired');
    await expect(shown(el, /Ask for a new quote\./)).toBeVisible();
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

const acceptedByColleague: Quote = {
  ...openQuote,
  status: 'accepted',
  accepted_at: new Date().toISOString(),
  accepted_by: { name: 'Jonas Weber', email: 'jonas.weber@nordlicht-analytics.example' },
  version: 2,
};

/** 409 quote_not_open: a colleague accepted it in another tab; the widget shows it as it is now. */
export const DecidedElsewhere: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, {
          load: after(1, () => respond(Quote, acceptedByColleague)),
          accept: always(() => failure('quote_not_open')),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await typeSigner(el);
    await userEvent.click(view(el).getByRole('button', { name: 'Accept quote' }));
    await settled(el, 'accepted');
    await expect(shown(el, /Accepted by Jonas Weber\./)).toBeVisible();
    await expect(requests('GET', `/quotes/${openQuote.id}`)).toHaveLength(2);
  },
};

/** 412 version_conflict: the quote changed since it was read; the widget reloads it, says so and offers the form again with what was typed. */
export const VersionConflict: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, {
          load: after(1, () => respond(Quote, { ...openQuote, version: 2 })),
          accept: always(() =>
            failure('version_conflict', {
              message: 'The quote changed since you opened it.',
              details: { current_version: 2 },
            }),
          ),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await typeSigner(el);
    await userEvent.click(view(el).getByRole('button', { name: 'Accept quote' }));
    await settled(el, 'ready');
    await expect(el.state).toMatchObject({ status: 'ready', changed: true });
    const alert = view(el).getByRole('alert');
    await expect(alert).toHaveTextContent('This quote was changed while you were reading it.');
    await expect(focused(el)).toBe(alert);
    await expect(view(el).getByLabelText('Your name')).toHaveValue(SIGNER.name);
    await expect(view(el).getByRole('button', { name: 'Accept quote' })).toBeVisible();
    await expect(requests('GET', `/quotes/${openQuote.id}`)).toHaveLength(2);
  },
};

const RATE_LIMITED = () =>
  failure('rate_limited', {
    message: 'Rate limit of 10/s per customer exceeded.',
    headers: { 'retry-after': '1', 'ratelimit-limit': '10', 'ratelimit-remaining': '0' },
  });

/** 429 with Retry-After: 1: the widget waits as told, retries, and the customer sees no error. */
export const RateLimitedThenServed: Story = {
  parameters: {
    msw: { handlers: { quote: quoteApi(openQuote, { load: first(1, RATE_LIMITED) }) } },
  },
  play: async ({ canvasElement, args }) => {
    await settled(await quoteIn(canvasElement), 'ready');
    const [limited, served] = requests('GET', `/quotes/${openQuote.id}`);
    await expect([limited?.status, served?.status]).toEqual([429, 200]);
    await expect((served?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(900);
    await expect(args.onTesseraError).not.toHaveBeenCalled();
  },
};

/** 429 that does not let up: after its retries the widget says so, and offers to try again. */
export const RateLimited: Story = {
  parameters: {
    msw: { handlers: { quote: quoteApi(openQuote, { load: always(RATE_LIMITED) }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'error', 15_000);
    await expect(errorCode(el)).toBe('rate_limited');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('rate_limited'));
    await expect(view(el).getByRole('button', RETRY)).toBeVisible();
    await expect(requests('GET', `/quotes/${openQuote.id}`)).toHaveLength(3);
  },
};

/** 500 on every attempt: an error with the request id for support, and Try again recovers. */
export const ServerError: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, {
          load: first(3, () =>
            failure('internal_error', { message: 'The database did not answer.' }),
          ),
        }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'error', 15_000);
    const alert = view(el).getByRole('alert');
    await expect(alert).toHaveTextContent(errorText('internal_error'));
    await expect(alert).toHaveTextContent(/Reference: req_story_\d+/);
    await userEvent.click(view(el).getByRole('button', RETRY));
    await settled(el, 'ready');
    await expect(focused(el)).toBe(view(el).getByRole('heading', { level: 2 }));
  },
};

/** The network is down: every attempt fails to connect. */
export const NetworkError: Story = {
  parameters: {
    msw: { handlers: { quote: quoteApi(openQuote, { load: always(networkError) }) } },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'error', 15_000);
    await expect(errorCode(el)).toBe('network_error');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('network_error'));
    await expect(view(el).getByRole('button', RETRY)).toBeVisible();
  },
};

/** The API answers something that is not a v1 Quote: the widget refuses to show it. */
export const SchemaMismatch: Story = {
  parameters: {
    msw: {
      handlers: {
        quote: quoteApi(openQuote, { load: always(() => malformed(Quote, malformedQuote)) }),
      },
    },
  },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'error');
    await expect(errorCode(el)).toBe('schema_mismatch');
    await expect(view(el).getByRole('alert')).toHaveTextContent(errorText('schema_mismatch'));
    await expect(view(el).queryByRole('button')).toBeNull();
  },
};

// --- content, languages, looks -------------------------------------------------------------------

/** 200 line items: the table grows, the totals stay right. */
export const TwoHundredLineItems: Story = {
  args: { quoteId: longQuote.id },
  parameters: { msw: { handlers: { quote: quoteApi(longQuote) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await expect(el.shadowRoot?.querySelectorAll('[part~="line-item"]')).toHaveLength(200);
    await expect(el.shadowRoot?.querySelector('[part~="total"]')).toHaveTextContent(
      money(longQuote.total),
    );
  },
};

/** The longest number and descriptions the contract allows, with unbroken words. */
export const LongNames: Story = {
  args: { quoteId: longNamesQuote.id },
  parameters: { msw: { handlers: { quote: quoteApi(longNamesQuote) } } },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await expect(
      view(el).getByRole('heading', { name: `Quote ${longNamesQuote.number}` }),
    ).toBeVisible();
    await expect(el.shadowRoot?.querySelectorAll('[part~="line-item"]')).toHaveLength(2);
  },
};

async function inLanguage(canvas: HTMLElement, title: string, accept: string) {
  const el = await settled(await quoteIn(canvas), 'ready');
  await until(
    () => view(el).queryByRole('heading', { name: title }) !== null,
    () => `the heading never read "${title}"`,
  );
  await expect(view(el).getByRole('button', { name: accept })).toBeVisible();
  return el;
}

export const German: Story = {
  globals: { locale: 'de' },
  play: async ({ canvasElement }) => {
    const el = await inLanguage(canvasElement, `Angebot ${openQuote.number}`, 'Angebot annehmen');
    await expect(el.shadowRoot?.querySelector('[part~="total"]')).toHaveTextContent(
      money(openQuote.total, 'de'),
    );
  },
};

export const French: Story = {
  globals: { locale: 'fr' },
  play: async ({ canvasElement }) => {
    await inLanguage(canvasElement, `Devis ${openQuote.number}`, 'Accepter le devis');
  },
};

export const Spanish: Story = {
  globals: { locale: 'es' },
  play: async ({ canvasElement }) => {
    await inLanguage(canvasElement, `Presupuesto ${openQuote.number}`, 'Aceptar presupuesto');
  },
};

/** Arabic: right to left, Arabic digits; the strings fall back to English (no catalogue yet). */
export const RightToLeft: Story = {
  globals: { locale: 'ar' },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    const base = el.shadowRoot?.querySelector('[part~="base"]');
    await expect(base && getComputedStyle(base).direction).toBe('rtl');
    await expect(el.shadowRoot?.querySelector('[part~="total"]')).toHaveTextContent(
      money(openQuote.total, 'ar'),
    );
  },
};

export const Dark: Story = {
  globals: { appearance: 'dark' },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await expect(el.shadowRoot?.querySelector('[part~="base"]')).toHaveClass('dark');
  },
};

/** `unstyled`: the partner's page styles everything; only accessibility helpers remain. */
export const Unstyled: Story = {
  globals: { appearance: 'unstyled' },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    await expect(el).toHaveAttribute('unstyled');
    const base = el.shadowRoot?.querySelector('[part~="base"]');
    await expect(base && getComputedStyle(base).borderStyle).toBe('none');
  },
};

/** A partner's theme: global `--tessera-*` properties and `::part()` rules from the page. */
export const CustomTheme: Story = {
  decorators: [(story) => html`${customTheme('tessera-quote')}${story()}`],
  args: { footer: 'Questions? Call Nordlicht on +49 30 1234 5678.' },
  play: async ({ canvasElement }) => {
    const el = await settled(await quoteIn(canvasElement), 'ready');
    const accept = view(el).getByRole('button', { name: 'Accept quote' });
    await expect(getComputedStyle(accept).textTransform).toBe('uppercase');
    await expect(getComputedStyle(accept).backgroundColor).toBe('rgb(122, 62, 0)');
  },
};

// --- the real stack -------------------------------------------------------------------------------

/**
 * The demo shop's open quote from a running `npm start`, through `npm run storybook`'s proxy: the
 * real token endpoint, token service and core API. Not run as a test (no stack runs there).
 */
export const Live: StoryObj<QuoteArgs & { live?: LiveStack }> = {
  tags: ['!test', '!autodocs', 'live'],
  loaders: [liveStack],
  render: (args, context) => {
    const live = (context.loaded as { live: LiveStack }).live;
    if (!live.ok) return noStack(live.reason);
    return html`<tessera-quote
      quote-id=${live.quoteId}
      api-base=${LIVE.apiBase()}
      token-url=${LIVE.tokenUrl('quote')}
      ?unstyled=${unstyled(context)}
      @tessera-ready=${args.onTesseraReady}
      @tessera-change=${args.onTesseraChange}
      @tessera-success=${args.onTesseraSuccess}
      @tessera-error=${args.onTesseraError}
    ></tessera-quote>`;
  },
};
