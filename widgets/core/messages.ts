/**
 * The widgets' strings, one typed catalogue per language. A small catalogue rather than
 * `@lit/localize`: no build step, no runtime to ship, and a missing id is a type error. English is
 * the reference; other languages are `Catalogue`s that must have every id.
 */
const en = {
  'quote.loading': 'Loading quote…',
  'quote.title': 'Quote {number}',
  'quote.validUntil': 'Valid until {date}',
  'quote.lineItems': 'Line items',
  'quote.description': 'Description',
  'quote.quantity': 'Quantity',
  'quote.unitPrice': 'Unit price',
  'quote.amount': 'Amount',
  'quote.subtotal': 'Subtotal',
  'quote.tax': 'Tax',
  'quote.total': 'Total',
  'quote.acceptLegend': 'Accept this quote',
  'quote.signerName': 'Your name',
  'quote.signerEmail': 'Your email',
  'quote.acceptTerms': 'I accept the terms of this quote',
  'quote.accept': 'Accept quote',
  'quote.decline': 'Decline',
  'quote.accepting': 'Accepting the quote…',
  'quote.declining': 'Declining the quote…',
  'quote.accepted': 'You accepted quote {number}. Thank you!',
  'quote.acceptedBy': 'Accepted by {name}.',
  'quote.declined': 'Quote {number} was declined.',
  'quote.expired': 'Quote {number} expired on {date}. Ask for a new quote.',
  'quote.forbidden': 'You can view this quote, but you may not accept or decline it.',
  'quote.fieldErrors': 'Please correct the highlighted fields.',
  'error.title': 'Something went wrong',
  'error.retry': 'Try again',
  'error.reference': 'Reference: {requestId}',
  'field.required': 'This field is required.',
  'field.tooLong': 'This is too long.',
  'field.invalidEmail': 'Enter an email address like name@example.com.',
  'field.termsRequired': 'Accept the terms to continue.',
  'field.invalid': 'This value is not valid.',
} as const;

export type MessageId = keyof typeof en;
export type Catalogue = Readonly<Record<MessageId, string>>;

const catalogues: Record<string, Catalogue> = { en };

/** The catalogue for a locale: the exact tag, then its language, then English. */
export function catalogueFor(locale: string | undefined): Catalogue {
  if (!locale) return en;
  const lower = locale.toLowerCase();
  return catalogues[lower] ?? catalogues[lower.split('-')[0] ?? ''] ?? en;
}

/** A message with its `{name}` placeholders filled in. */
export function message(
  locale: string | undefined,
  id: MessageId,
  params: Record<string, string | number> = {},
): string {
  return catalogueFor(locale)[id].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
