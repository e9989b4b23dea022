/**
 * The stories' data: the reference seed's demo customer (contracts/fixtures/demo.ts) with fixed
 * ids, and the states and extremes only stories show, all parsed with the contracts' schemas at
 * load, so a fixture that drifts from v1 breaks every story instead of showing something the API
 * could never send.
 */
import { Account, Quote } from '../contracts/index.ts';
import {
  DEMO_BILLING,
  DEMO_COMPANY,
  DEMO_CONTACT,
  DEMO_DOMAIN,
  daysFrom,
  demo,
  lineItem,
  onboardingApplication,
  priced,
  quoteNumber,
  type ApplicationOptions,
} from '../contracts/fixtures/demo.ts';

/** Dates relative to now, so "valid until" reads as the reference seed's would. */
const NOW = new Date();
const at = (days: number): string => daysFrom(NOW, days);

export const ACCOUNT_ID = 'acct_StoryNordlicht01';

const seed = demo({
  ids: {
    account: ACCOUNT_ID,
    quotes: {
      expired: 'qt_StoryExpired001',
      accepted: 'qt_StoryAccepted01',
      open: 'qt_StoryOpen000001',
    },
    onboarding: 'onb_StorySeed000001',
  },
  now: NOW,
  firstQuote: 4214,
});

/** The seed's open quote: the one a customer accepts or declines. */
export const openQuote: Quote = seed.quotes.open;
export const acceptedQuote: Quote = seed.quotes.accepted;
export const expiredQuote: Quote = seed.quotes.expired;

export const declinedQuote: Quote = Quote.parse({
  ...openQuote,
  id: 'qt_StoryDeclined01',
  number: quoteNumber(NOW, 4213),
  status: 'declined',
  declined_at: at(-2),
  decline_reason: 'We chose the Starter plan for this year.',
  version: 2,
});

/** Long content: 200 line items. */
export const longQuote: Quote = Quote.parse({
  ...openQuote,
  id: 'qt_StoryLong000001',
  number: quoteNumber(NOW, 9999),
  ...priced(
    Array.from({ length: 200 }, (_, i) =>
      lineItem(
        `li_${i + 1}`,
        `Sensor licence, site ${String(i + 1).padStart(3, '0')}`,
        i + 1,
        1_250,
      ),
    ),
  ),
});

const LONG_WORD = 'Datenverarbeitungsinfrastrukturbereitstellungsvereinbarung';
/** Long names: the longest number and descriptions the contract allows, unbroken words too. */
export const longNamesQuote: Quote = Quote.parse({
  ...openQuote,
  id: 'qt_StoryLongNames1',
  number: `Q-2025-${'7'.repeat(33)}`,
  ...priced([
    lineItem(
      'li_1',
      `${LONG_WORD} — ${'Analytics Platform Enterprise plan with unlimited dashboards, '.repeat(7)}`.slice(
        0,
        500,
      ),
      1,
      9_999_999,
    ),
    lineItem('li_2', LONG_WORD.repeat(3), 999, 123_456),
  ]),
});

/** Not a valid Quote: `total` is a string, `line_items` missing. Only for the schema-mismatch story. */
export const malformedQuote = {
  id: openQuote.id,
  number: openQuote.number,
  status: 'open',
  total: '6.950,00 €',
};

export const account: Account = seed.account;

export const longNamesAccount: Account = Account.parse({
  ...account,
  legal_name: `${LONG_WORD} ${'und Partner '.repeat(12)}GmbH & Co. KGaA`.slice(0, 200),
  billing_email: `accounts-payable.${'department.'.repeat(6)}central@${DEMO_DOMAIN}`,
  billing_address: {
    ...account.billing_address,
    line1: `${LONG_WORD}straße 12345, Hinterhaus, Aufgang C`.slice(0, 200),
    line2: 'Büro 4711, Empfang im Erdgeschoss, bitte klingeln',
  },
});

const application = (
  id: string,
  values: ApplicationOptions['values'],
  current: ApplicationOptions['current'],
  submitted = false,
) => onboardingApplication({ id, accountId: ACCOUNT_ID, values, current, submitted }, NOW);

/** A new application: nothing saved yet. */
export const newApplication = application('onb_StoryNew0000001', {}, 'company');
/** The seed's application: the company step saved, the contact step next. */
export const seedApplication = seed.onboarding;
/** Every step saved: the review step is next. */
export const reviewApplication = application(
  'onb_StoryReview00001',
  { company: DEMO_COMPANY, contact: DEMO_CONTACT, billing: DEMO_BILLING },
  'review',
);
export const submittedApplication = application(
  'onb_StorySubmitted01',
  {
    company: DEMO_COMPANY,
    contact: DEMO_CONTACT,
    billing: DEMO_BILLING,
    review: { accept_terms: true },
  },
  'review',
  true,
);
