import type * as z from 'zod/mini';
import {
  BillingStep,
  CompanyStep,
  ContactStep,
  ONBOARDING_STEPS,
  ReviewStep,
  type OnboardingDraft,
  type OnboardingStep,
} from '../../contracts/v1/onboarding.ts';
import type { Country, Currency } from '../../contracts/v1/reference.ts';
import { toE164 } from '../core/phone.ts';
import { isValidTaxId, normaliseTaxId, taxIdFormat } from './tax-id.ts';

export const STEPS = ONBOARDING_STEPS;

/** The form's fields by step, in the order they are shown. */
export const STEP_FIELDS = {
  company: ['legalName', 'registrationNumber', 'country', 'region', 'taxId'],
  contact: ['contactName', 'contactEmail', 'phone'],
  billing: [
    'billingCountry',
    'line1',
    'line2',
    'city',
    'postalCode',
    'billingRegion',
    'billingEmail',
    'currency',
  ],
  review: ['acceptTerms'],
} as const satisfies Record<OnboardingStep, readonly string[]>;

export type OnboardingField = (typeof STEP_FIELDS)[OnboardingStep][number];
export type TextField = Exclude<OnboardingField, 'acceptTerms'>;
/** What the customer has typed, as typed: strings (empty when blank), and the terms box. */
export type OnboardingValues = { readonly [F in TextField]: string } & {
  readonly acceptTerms: boolean;
};

/** Where each field lives in the contracts' draft, under its step. */
const PATHS: Record<OnboardingField, string> = {
  legalName: 'legal_name',
  registrationNumber: 'registration_number',
  country: 'country',
  region: 'region',
  taxId: 'tax_id',
  contactName: 'name',
  contactEmail: 'email',
  phone: 'phone',
  billingCountry: 'address.country',
  line1: 'address.line1',
  line2: 'address.line2',
  city: 'address.city',
  postalCode: 'address.postal_code',
  billingRegion: 'address.region',
  billingEmail: 'billing_email',
  currency: 'currency',
  acceptTerms: 'accept_terms',
};

const ADDRESS_FIELDS: readonly OnboardingField[] = STEP_FIELDS.billing.filter((field) =>
  PATHS[field].startsWith('address.'),
);

const STEP_OF = Object.fromEntries(
  STEPS.flatMap((step) => STEP_FIELDS[step].map((field) => [field, step])),
) as Record<OnboardingField, OnboardingStep>;
const FIELD_AT = Object.fromEntries(
  STEPS.flatMap((step) =>
    STEP_FIELDS[step].map((field) => [`${step}.${PATHS[field]}`, field] as const),
  ),
) as Record<string, OnboardingField | undefined>;

export const FIELDS = STEPS.flatMap((step) => STEP_FIELDS[step]) as readonly OnboardingField[];

export function stepOf(field: OnboardingField): OnboardingStep {
  return STEP_OF[field];
}

/** The field at a dotted contracts path such as `company.tax_id` or `billing.address.city`. */
export function fieldAt(path: string): OnboardingField | undefined {
  return FIELD_AT[path];
}

export const EMPTY_VALUES: OnboardingValues = Object.freeze({
  ...(Object.fromEntries(FIELDS.map((field) => [field, ''])) as Record<TextField, string>),
  acceptTerms: false,
});

function read(object: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined,
      object,
    );
}

/** The form's values from a saved draft; what the draft lacks is blank. */
export function valuesFromDraft(draft: OnboardingDraft): OnboardingValues {
  const values: Record<string, string | boolean> = { ...EMPTY_VALUES };
  for (const field of FIELDS) {
    const value = read(draft[stepOf(field)], PATHS[field]);
    if (field === 'acceptTerms') values[field] = value === true;
    else if (typeof value === 'string') values[field] = value;
  }
  return values as OnboardingValues;
}

/**
 * One step's values as the contracts shape them, blanks left out. With `only`, just those
 * fields; the billing address always goes whole, because the draft schema takes it whole.
 */
export function stepDraft(
  step: OnboardingStep,
  values: OnboardingValues,
  only?: ReadonlySet<OnboardingField>,
): Record<string, unknown> {
  const draft: Record<string, unknown> = {};
  for (const field of STEP_FIELDS[step]) {
    if (only && !only.has(field)) continue;
    const value = values[field];
    const present = typeof value === 'boolean' ? value : value.trim() !== '';
    const path = PATHS[field].split('.');
    const key = path.pop()!;
    let target = draft;
    for (const part of path) target = (target[part] ??= {}) as Record<string, unknown>;
    if (present) target[key] = typeof value === 'string' ? value.trim() : value;
  }
  return draft;
}

// --- validation --------------------------------------------------------------------------------

export type FieldErrorCode =
  | 'required'
  | 'too_long'
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_tax_id'
  | 'unknown_country'
  | 'unknown_region'
  | 'unknown_currency'
  | 'terms_required'
  | 'invalid';

/** A stable code per field problem, for the element to translate; `message` is English. */
export interface FieldError {
  code: FieldErrorCode;
  message: string;
  /** For `invalid_tax_id`: the expected format, e.g. `{ name: 'USt-IdNr.', example: 'DE123456789' }`. */
  format?: { name: string; example: string };
}
export type FieldErrors = Partial<Record<OnboardingField, FieldError>>;

/** The reference data the rules need: the countries with their regions, and the currencies. */
export interface Reference {
  readonly countries: readonly Country[];
  readonly currencies: readonly Currency[];
}

const SCHEMAS: Record<OnboardingStep, z.ZodMiniType> = {
  company: CompanyStep,
  contact: ContactStep,
  billing: BillingStep,
  review: ReviewStep,
};

const ENGLISH: Record<FieldErrorCode, string> = {
  required: 'This field is required.',
  too_long: 'This is too long.',
  invalid_email: 'Enter an email address like name@example.com.',
  invalid_phone: 'Enter a phone number with its country code, like +49 30 1234567.',
  invalid_tax_id: 'This is not a valid tax id for the country.',
  unknown_country: 'Choose a country from the list.',
  unknown_region: 'Choose a region of the selected country.',
  unknown_currency: 'Choose a currency from the list.',
  terms_required: 'Accept the terms to continue.',
  invalid: 'This value is not valid.',
};

function fieldError(code: FieldErrorCode, country?: string): FieldError {
  const format = code === 'invalid_tax_id' && country ? taxIdFormat(country) : undefined;
  return format
    ? { code, message: `Enter a ${format.name} like ${format.example}.`, format }
    : { code, message: ENGLISH[code] };
}

/** What a schema issue means for a field: blank is `required`, the rest by the field's kind. */
function codeFor(field: OnboardingField, code: string, blank: boolean): FieldErrorCode {
  if (field === 'acceptTerms') return 'terms_required';
  if (blank) return 'required';
  if (code === 'too_big') return 'too_long';
  if (field === 'contactEmail' || field === 'billingEmail') return 'invalid_email';
  if (field === 'phone') return 'invalid_phone';
  if (field === 'taxId') return 'invalid_tax_id';
  if (field === 'country' || field === 'billingCountry') return 'unknown_country';
  if (field === 'region' || field === 'billingRegion') return 'unknown_region';
  if (field === 'currency') return 'unknown_currency';
  return 'invalid';
}

const RULE_CODES: ReadonlySet<string> = new Set<FieldErrorCode>([
  'invalid_tax_id',
  'unknown_country',
  'unknown_region',
  'unknown_currency',
]);

/** A field's error for an issue code, the schemas' (`too_big` …) or the core API's rules' (`invalid_tax_id` …). */
export function fieldErrorFor(
  field: OnboardingField,
  code: string,
  values: OnboardingValues,
): FieldError {
  const mapped = RULE_CODES.has(code)
    ? (code as FieldErrorCode)
    : codeFor(field, code, isBlank(values, field));
  return fieldError(mapped, values.country || undefined);
}

function regionError(
  region: string,
  countryCode: string,
  reference: Reference,
): FieldError | undefined {
  if (!region) return undefined;
  const country = reference.countries.find((c) => c.code === countryCode);
  const known = country?.regions.some((r) => r.code === region) ?? false;
  return known ? undefined : fieldError('unknown_region');
}

/** The rules beyond the schemas: reference data (country, region, currency) and the tax id format. */
function ruleErrors(step: OnboardingStep, v: OnboardingValues, reference: Reference): FieldErrors {
  const errors: FieldErrors = {};
  const knownCountry = (code: string) => reference.countries.some((c) => c.code === code);
  if (step === 'company' && v.country) {
    if (!knownCountry(v.country)) errors.country = fieldError('unknown_country');
    else {
      const region = regionError(v.region, v.country, reference);
      if (region) errors.region = region;
      if (v.taxId && !isValidTaxId(v.country, v.taxId.trim()))
        errors.taxId = fieldError('invalid_tax_id', v.country);
    }
  }
  if (step === 'billing') {
    if (v.billingCountry && !knownCountry(v.billingCountry))
      errors.billingCountry = fieldError('unknown_country');
    else if (v.billingCountry) {
      const region = regionError(v.billingRegion, v.billingCountry, reference);
      if (region) errors.billingRegion = region;
    }
    if (v.currency && !reference.currencies.some((c) => c.code === v.currency))
      errors.currency = fieldError('unknown_currency');
  }
  return errors;
}

/**
 * Every problem of one step, as the core API would find it: the contracts' step schema first,
 * then the rules that need reference data. Empty when the step is complete.
 */
export function validateStep(
  step: OnboardingStep,
  values: OnboardingValues,
  reference: Reference,
): FieldErrors {
  const draft = stepDraft(step, values);
  // Validated with the address present, so each of its missing fields is reported by name.
  if (step === 'billing') draft.address ??= {};
  const parsed = SCHEMAS[step].safeParse(draft);
  const errors: FieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldAt(`${step}.${issue.path.join('.')}`);
      if (field && !errors[field]) errors[field] = fieldErrorFor(field, issue.code, values);
    }
  }
  const rules = ruleErrors(step, values, reference);
  for (const field of STEP_FIELDS[step]) errors[field] ??= rules[field];
  for (const field of STEP_FIELDS[step]) if (!errors[field]) delete errors[field];
  return errors;
}

export function isBlank(values: OnboardingValues, field: OnboardingField): boolean {
  const value = values[field];
  return typeof value === 'boolean' ? !value : value.trim() === '';
}

/**
 * What of a step can be kept as a draft: every filled-in field without a problem, and the billing
 * address only when it is whole (the draft schema takes an address whole or not at all).
 */
export function draftable(
  step: OnboardingStep,
  values: OnboardingValues,
  errors: FieldErrors,
): Set<OnboardingField> {
  const fields = new Set<OnboardingField>(
    STEP_FIELDS[step].filter((field) => !isBlank(values, field) && !errors[field]),
  );
  if (step === 'billing' && ADDRESS_FIELDS.some((field) => errors[field])) {
    for (const field of ADDRESS_FIELDS) fields.delete(field);
  }
  return fields;
}

/** The problems of the fields the customer filled in; blanks are left for later. */
export function filledErrors(
  step: OnboardingStep,
  values: OnboardingValues,
  errors: FieldErrors,
): FieldErrors {
  const filled: FieldErrors = {};
  for (const field of STEP_FIELDS[step]) {
    if (errors[field] && !isBlank(values, field)) filled[field] = errors[field];
  }
  return filled;
}

/** The values in the forms the API stores: phone in E.164, tax id compact and upper case. */
export function normalise(values: OnboardingValues): OnboardingValues {
  const phone = values.phone.trim() ? (toE164(values.phone, values.country) ?? values.phone) : '';
  const taxId = values.taxId.trim()
    ? normaliseTaxId(values.country, values.taxId)
    : values.taxId.trim();
  return phone === values.phone && taxId === values.taxId ? values : { ...values, phone, taxId };
}

// --- defaults ----------------------------------------------------------------------------------

function defaultCurrency(countryCode: string, reference: Reference): string {
  return reference.countries.find((c) => c.code === countryCode)?.default_currency ?? '';
}

function keepRegion(region: string, countryCode: string, reference: Reference): string {
  return region && !regionError(region, countryCode, reference) ? region : '';
}

/**
 * The values after one field changed, with what follows from it: a region of another country is
 * cleared, the billing country follows the company's until chosen, the currency follows the
 * billing country until chosen, the billing email follows the contact's until typed.
 */
export function withChange(
  before: OnboardingValues,
  field: OnboardingField,
  value: string | boolean,
  reference: Reference,
): OnboardingValues {
  const next: Record<string, string | boolean> = { ...before, [field]: value };
  if (field === 'country' && typeof value === 'string') {
    next.region = keepRegion(before.region, value, reference);
    if (!before.billingCountry || before.billingCountry === before.country) {
      const billing = withChange(before, 'billingCountry', value, reference);
      next.billingCountry = billing.billingCountry;
      next.billingRegion = billing.billingRegion;
      next.currency = billing.currency;
    }
  }
  if (field === 'billingCountry' && typeof value === 'string') {
    next.billingRegion = keepRegion(before.billingRegion, value, reference);
    const oldDefault = defaultCurrency(before.billingCountry, reference);
    if (!before.currency || before.currency === oldDefault) {
      next.currency = defaultCurrency(value, reference) || before.currency;
    }
  }
  // Emptying the contact email leaves the billing email alone.
  if (
    field === 'contactEmail' &&
    value &&
    (!before.billingEmail || before.billingEmail === before.contactEmail)
  ) {
    next.billingEmail = value;
  }
  return next as OnboardingValues;
}

/** Blank fields that have an obvious value: the billing country and the currency from the company's country. */
export function withDefaults(values: OnboardingValues, reference: Reference): OnboardingValues {
  let next = values;
  if (!next.billingCountry && next.country) {
    next = { ...next, billingCountry: next.country };
  }
  if (!next.currency && next.billingCountry) {
    const currency = defaultCurrency(next.billingCountry, reference);
    if (currency) next = { ...next, currency };
  }
  if (!next.billingEmail && next.contactEmail) next = { ...next, billingEmail: next.contactEmail };
  return next;
}

/** Whether a field's value differs between two sets of values (blanks and spaces aside). */
export function differs(a: OnboardingValues, b: OnboardingValues, field: OnboardingField): boolean {
  const x = a[field];
  const y = b[field];
  return typeof x === 'string' && typeof y === 'string' ? x.trim() !== y.trim() : x !== y;
}

/** JSON with object keys sorted: the API's key order is its schema's, not the form's. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Whether a saved step already holds every value of `draft`, so sending it would change nothing. */
export function holds(
  saved: Record<string, unknown> | undefined,
  draft: Record<string, unknown>,
): boolean {
  return Object.entries(draft).every(
    ([key, value]) => canonical(saved?.[key]) === canonical(value),
  );
}
