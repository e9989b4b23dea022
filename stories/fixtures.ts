/**
 * The stories' data: the reference seed's shapes (core-api/seed.ts), built by hand, because the
 * seed writes to a database, and parsed with the contracts' schemas at load, so a fixture that
 * drifts from v1 breaks every story instead of showing something the API could never send.
 */
import {
  Account,
  OnboardingApplication,
  Quote,
  type LineItem,
  type OnboardingDraft,
} from '../contracts/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Dates relative to now, so "valid until" reads as the reference seed's would. */
export const at = (days: number): string => new Date(Date.now() + days * DAY_MS).toISOString();

export const ACCOUNT_ID = 'acct_StoryNordlicht01';
const DOMAIN = 'nordlicht-analytics.example';
// German standard VAT, as the seed: the demo company is in Berlin.
const VAT_PERCENT = 19;

function lineItem(id: string, description: string, quantity: number, unitAmount: number): LineItem {
  return { id, description, quantity, unit_amount: unitAmount, amount: quantity * unitAmount };
}

/** Amounts from the line items, so every story's arithmetic is right by construction. */
function priced(items: LineItem[]): Pick<Quote, 'line_items' | 'subtotal' | 'tax' | 'total'> {
  const subtotal = items.reduce((sum, item) => sum + item.amount, 0);
  const tax = Math.round((subtotal * VAT_PERCENT) / 100);
  return { line_items: items, subtotal, tax, total: subtotal + tax };
}

const SEED_ITEMS = [
  lineItem('li_1', 'Analytics Platform — Business plan (12 months)', 1, 480_000),
  lineItem('li_2', 'Additional user seats (12 months)', 15, 9_600),
  lineItem('li_3', 'Onboarding workshop (half day, remote)', 1, 75_000),
  lineItem('li_4', 'Premium support (12 months)', 1, 60_000),
];

/** The seed's open quote: the one a customer accepts or declines. */
export const openQuote: Quote = Quote.parse({
  id: 'qt_StoryOpen000001',
  number: 'Q-2025-04217',
  account_id: ACCOUNT_ID,
  status: 'open',
  currency: 'EUR',
  ...priced(SEED_ITEMS),
  valid_until: at(30),
  version: 1,
});

export const acceptedQuote: Quote = Quote.parse({
  ...openQuote,
  id: 'qt_StoryAccepted01',
  number: 'Q-2025-04216',
  status: 'accepted',
  accepted_at: at(-3),
  accepted_by: { name: 'Lena Schäfer', email: `lena.schaefer@${DOMAIN}` },
  version: 2,
});

export const declinedQuote: Quote = Quote.parse({
  ...openQuote,
  id: 'qt_StoryDeclined01',
  number: 'Q-2025-04215',
  status: 'declined',
  declined_at: at(-2),
  decline_reason: 'We chose the Starter plan for this year.',
  version: 2,
});

export const expiredQuote: Quote = Quote.parse({
  id: 'qt_StoryExpired001',
  number: 'Q-2025-04214',
  account_id: ACCOUNT_ID,
  status: 'expired',
  currency: 'EUR',
  ...priced([
    lineItem('li_1', 'Analytics Platform — Starter plan (12 months)', 1, 240_000),
    lineItem('li_2', 'Additional user seats (12 months)', 5, 6_000),
  ]),
  valid_until: at(-12),
  version: 2,
});

/** Long content: 200 line items. */
export const longQuote: Quote = Quote.parse({
  ...openQuote,
  id: 'qt_StoryLong000001',
  number: 'Q-2025-09999',
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

export const account: Account = Account.parse({
  id: ACCOUNT_ID,
  legal_name: 'Nordlicht Analytics GmbH',
  billing_email: `billing@${DOMAIN}`,
  phone: '+493012345678',
  billing_address: {
    line1: 'Friedrichstraße 123',
    line2: '4. OG',
    city: 'Berlin',
    region: 'DE-BE',
    postal_code: '10117',
    country: 'DE',
  },
  tax_id: 'DE123456789',
  currency: 'EUR',
  version: 1,
  created_at: at(-120),
  updated_at: at(-120),
});

export const longNamesAccount: Account = Account.parse({
  ...account,
  legal_name: `${LONG_WORD} ${'und Partner '.repeat(12)}GmbH & Co. KGaA`.slice(0, 200),
  billing_email: `accounts-payable.${'department.'.repeat(6)}central@${DOMAIN}`,
  billing_address: {
    ...account.billing_address,
    line1: `${LONG_WORD}straße 12345, Hinterhaus, Aufgang C`.slice(0, 200),
    line2: 'Büro 4711, Empfang im Erdgeschoss, bitte klingeln',
  },
});

const COMPANY = {
  legal_name: 'Nordlicht Analytics GmbH',
  registration_number: 'HRB 214587 B',
  country: 'DE',
  region: 'DE-BE',
  tax_id: 'DE123456789',
};
const CONTACT = { name: 'Lena Schäfer', email: `lena.schaefer@${DOMAIN}`, phone: '+493012345678' };
const BILLING = {
  address: account.billing_address,
  billing_email: account.billing_email,
  currency: 'EUR',
};

function application(
  id: string,
  values: OnboardingDraft,
  current: OnboardingApplication['current_step'],
  extra: Partial<OnboardingApplication> = {},
): OnboardingApplication {
  const complete = (step: keyof OnboardingDraft) => values[step] !== undefined;
  return OnboardingApplication.parse({
    id,
    account_id: ACCOUNT_ID,
    status: 'in_progress',
    current_step: current,
    steps: (['company', 'contact', 'billing', 'review'] as const).map((step) => ({
      id: step,
      complete: step === 'review' ? extra.status === 'submitted' : complete(step),
    })),
    values,
    version: 1 + Object.keys(values).length,
    updated_at: at(-1 / 24),
    ...extra,
  });
}

/** A new application: nothing saved yet. */
export const newApplication = application('onb_StoryNew0000001', {}, 'company');
/** The seed's application: the company step saved, the contact step next. */
export const seedApplication = application('onb_StorySeed000001', { company: COMPANY }, 'contact');
/** Every step saved: the review step is next. */
export const reviewApplication = application(
  'onb_StoryReview00001',
  { company: COMPANY, contact: CONTACT, billing: BILLING },
  'review',
);
export const submittedApplication = application(
  'onb_StorySubmitted01',
  { company: COMPANY, contact: CONTACT, billing: BILLING, review: { accept_terms: true } },
  'review',
  { status: 'submitted', submitted_at: at(-1) },
);
