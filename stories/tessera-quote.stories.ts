import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { expect, userEvent } from 'storybook/test';
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
  malformed,
  quoteApi,
  respond,
  tokenEndpoint,
  type Override,
} from './mocks/index.ts';
import {
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
  RATE_LIMITED,
  answered,
  sharedStories,
  widgetMeta,
  type WidgetArgs,
  type WidgetSpec,
} from './shared/widget-stories.ts';

interface QuoteArgs extends WidgetArgs {
  quoteId: string;
  terms: string;
}

type Story = StoryObj<QuoteArgs>;

const FULL = ['quote:read', 'quote:accept'] as const;
const SIGNER = { name: 'Ada Lovelace', email: 'ada@nordlicht-analytics.example' };
const QUOTE_PATH = `/quotes/${openQuote.id}`;
const answering = (load: Override<Quote>) => ({ quote: quoteApi(openQuote, { load }) });

/** The story's `<tessera-quote>`, typed. */
const quoteIn = (canvas: HTMLElement) => widget<TesseraQuote>(canvas, 'tessera-quote');
const money = (amount: number, locale = 'en') =>
  plain(formatMoney(locale, openQuote.currency, amount));

async function typeSigner(el: TesseraQuote) {
  const v = view(el);
  await userEvent.type(v.getByLabelText('Your name'), SIGNER.name);
  await userEvent.type(v.getByLabelText('Your email'), SIGNER.email);
  await userEvent.click(v.getByLabelText('I accept the terms of this quote'));
}

const spec: WidgetSpec<QuoteArgs, TesseraQuote, Quote> = {
  tag: 'tessera-quote',
  id: { arg: 'quoteId', attribute: 'quote-id', initial: openQuote.id },
  slots: ['terms', 'footer'],
  scopes: FULL,
  api: { quote: quoteApi(openQuote) },
  ready: 'ready',
  load: {
    method: 'GET',
    path: QUOTE_PATH,
    answering,
    loadingTitle: 'Loading quote…',
    then: async (el) => {
      await expect(el.shadowRoot?.querySelector('[part~="base"]')).toHaveAttribute(
        'aria-busy',
        'true',
      );
      await expect(view(el).queryByRole('table')).toBeNull();
    },
  },
  save: {
    method: 'POST',
    path: '/accept',
    answering: (accept) => ({ quote: quoteApi(openQuote, { accept }) }),
    fill: typeSigner,
    submit: (el) => userEvent.click(view(el).getByRole('button', { name: 'Accept quote' })),
    saved: async (el) => {
      await settled(el, 'accepted');
    },
  },
  tokenExpiresOn: 'load',
  malformed: () => malformed(Quote, malformedQuote),
  notFound: { args: { quoteId: 'qt_DoesNotExist0001' }, message: errorText('not_found') },
  recovered: async (el) => {
    await expect(focused(el)).toBe(view(el).getByRole('heading', { level: 2 }));
  },
  theme: { button: 'Accept quote', footer: 'Questions? Call Nordlicht on +49 30 1234 5678.' },
  languages: {
    de: {
      title: `Angebot ${openQuote.number}`,
      action: 'Angebot annehmen',
      then: async (el) => {
        await expect(el.shadowRoot?.querySelector('[part~="total"]')).toHaveTextContent(
          money(openQuote.total, 'de'),
        );
      },
    },
    fr: { title: `Devis ${openQuote.number}`, action: 'Accepter le devis' },
    es: { title: `Presupuesto ${openQuote.number}`, action: 'Aceptar presupuesto' },
  },
  rightToLeft: {
    check: async (el) => {
      await expect(el.shadowRoot?.querySelector('[part~="total"]')).toHaveTextContent(
        money(openQuote.total, 'ar'),
      );
    },
  },
  live: { widget: 'quote', id: (live) => live.quoteId },
};

const meta: Meta<QuoteArgs> = { title: 'Widgets/Quote', ...widgetMeta(spec) };
export default meta;
const shared = sharedStories(spec);

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
  parameters: answered(
    spec.save,
    always(() =>
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
  ),
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

// --- what the API can answer -----------------------------------------------------------------------

/** 403 insufficient_scope on load: the API refuses even to show the quote. */
export const Forbidden: Story = {
  parameters: answered(
    spec.load,
    always(() => failure('insufficient_scope')),
  ),
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
  parameters: answered(
    spec.save,
    always(() => failure('insufficient_scope')),
  ),
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

/** 409 quote_expired on accept: it expired while the customer was reading. */
export const ExpiredWhileOpen: Story = {
  parameters: answered(
    spec.save,
    always(() => failure('quote_expired')),
  ),
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

/** 429 with Retry-After: 1: the widget waits as told, retries, and the customer sees no error. */
export const RateLimitedThenServed: Story = {
  parameters: answered(spec.load, first(1, RATE_LIMITED)),
  play: async ({ canvasElement, args }) => {
    await settled(await quoteIn(canvasElement), 'ready');
    const [limited, served] = requests('GET', `/quotes/${openQuote.id}`);
    await expect([limited?.status, served?.status]).toEqual([429, 200]);
    await expect((served?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(900);
    await expect(args.onTesseraError).not.toHaveBeenCalled();
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

// --- what every widget shows alike (shared/widget-stories.ts) -----------------------------------

export const Loading = shared.Loading;
export const TokenExpiredThenRefreshed = shared.TokenExpiredThenRefreshed;
export const TokenRefreshedBeforeExpiry = shared.TokenRefreshedBeforeExpiry;
export const TokenEndpointFails = shared.TokenEndpointFails;
export const NotFound = shared.NotFound;
export const SchemaMismatch = shared.SchemaMismatch;
export const RateLimited = shared.RateLimited;
export const ServerError = shared.ServerError;
export const NetworkError = shared.NetworkError;
export const German = shared.German;
export const French = shared.French;
export const Spanish = shared.Spanish;
export const RightToLeft = shared.RightToLeft;
export const Dark = shared.Dark;
export const Narrow = shared.Narrow;
export const DarkBrand = shared.DarkBrand;
export const Unstyled = shared.Unstyled;
export const CustomTheme = shared.CustomTheme;
/** The demo shop's open quote from a running `npm start` (not run as a test). */
export const Live: Story = { ...shared.Live, tags: ['!test', '!autodocs', 'live'] };
