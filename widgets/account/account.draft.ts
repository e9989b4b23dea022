import { AccountUpdate, type Account } from '../../contracts/v1/account.ts';
import type { Country } from '../../contracts/v1/reference.ts';
import { fieldErrorsOf as mapFieldIssues, type FieldIssue } from '../core/field-issues.ts';
import { toE164 } from '../core/phone.ts';

/** The fields the account widget edits, flat, in form order. */
export const ACCOUNT_FIELDS = [
  'legalName',
  'billingEmail',
  'phone',
  'line1',
  'line2',
  'city',
  'postalCode',
  'country',
  'region',
  'taxId',
] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number];

/** What the customer is typing: every field a string, `''` for an empty optional one. */
export type AccountDraft = Readonly<Record<AccountField, string>>;

/** A stable code per field problem, for the element to translate; `message` is English. */
export interface AccountFieldError {
  code:
    | 'required'
    | 'too_long'
    | 'invalid_email'
    | 'invalid_phone'
    | 'invalid_tax_id'
    | 'invalid_country'
    | 'invalid_region'
    | 'cannot_remove'
    | 'invalid';
  message: string;
}
export type AccountFieldErrors = Partial<Record<AccountField, AccountFieldError>>;

/** A field changed elsewhere to a value the draft does not have. */
export interface FieldConflict {
  field: AccountField;
  /** The value now stored. */
  theirs: string;
  /** The value in the draft. */
  mine: string;
  /** Whether the customer changed this field; if not, `mine` is only what was loaded. */
  edited: boolean;
}

const ADDRESS_FIELDS = new Set<AccountField>([
  'line1',
  'line2',
  'city',
  'postalCode',
  'country',
  'region',
]);

/** The contract's paths (`billing_address.city`) to the draft's fields. */
const FIELD_OF_PATH: Readonly<Record<string, AccountField>> = {
  legal_name: 'legalName',
  billing_email: 'billingEmail',
  phone: 'phone',
  tax_id: 'taxId',
  'billing_address.line1': 'line1',
  'billing_address.line2': 'line2',
  'billing_address.city': 'city',
  'billing_address.postal_code': 'postalCode',
  'billing_address.country': 'country',
  'billing_address.region': 'region',
};

const REQUIRED = new Set<AccountField>([
  'legalName',
  'billingEmail',
  'line1',
  'city',
  'postalCode',
  'country',
]);

/** The code a field gets for any format problem, when it is not empty or too long. */
const FORMAT_CODE: Partial<Record<AccountField, AccountFieldError['code']>> = {
  billingEmail: 'invalid_email',
  phone: 'invalid_phone',
  taxId: 'invalid_tax_id',
  country: 'invalid_country',
  region: 'invalid_region',
};

export function draftOf(account: Account): AccountDraft {
  const address = account.billing_address;
  return {
    legalName: account.legal_name,
    billingEmail: account.billing_email,
    phone: account.phone ?? '',
    line1: address.line1,
    line2: address.line2 ?? '',
    city: address.city,
    postalCode: address.postal_code,
    country: address.country,
    region: address.region ?? '',
    taxId: account.tax_id ?? '',
  };
}

/** The draft as it would be stored: trimmed, codes upper case, the phone as E.164. */
export function normalise(draft: AccountDraft): AccountDraft {
  const trimmed = Object.fromEntries(
    ACCOUNT_FIELDS.map((field) => [field, draft[field].trim()]),
  ) as Record<AccountField, string>;
  const country = trimmed.country.toUpperCase();
  return {
    ...trimmed,
    country,
    region: trimmed.region.toUpperCase(),
    postalCode: trimmed.postalCode.toUpperCase(),
    taxId: trimmed.taxId.toUpperCase().replace(/\s+/g, ' '),
    // Unreadable input stays as typed, for the schema to refuse with a field error.
    phone: trimmed.phone ? (toE164(trimmed.phone, country) ?? trimmed.phone) : '',
  };
}

/** The fields whose stored values would differ. */
export function changedFields(draft: AccountDraft, base: AccountDraft): AccountField[] {
  const a = normalise(draft);
  const b = normalise(base);
  return ACCOUNT_FIELDS.filter((field) => a[field] !== b[field]);
}

function fieldError(
  field: AccountField,
  code: string,
  message: string,
  value: string,
): AccountFieldError {
  let mapped: AccountFieldError['code'];
  if (code === 'cannot_remove') mapped = 'cannot_remove';
  else if (value === '' && REQUIRED.has(field)) mapped = 'required';
  else if (code === 'too_big') mapped = 'too_long';
  else mapped = FORMAT_CODE[field] ?? 'invalid';
  return { code: mapped, message };
}

/** Field errors from the contract's issues (local) or the core API's `validation_failed` fields. */
export function fieldErrorsOf(
  issues: readonly FieldIssue[],
  draft: AccountDraft,
): AccountFieldErrors {
  return mapFieldIssues(
    issues,
    (path) => FIELD_OF_PATH[path],
    (field, issue) => fieldError(field, issue.code, issue.message, draft[field]),
  );
}

/**
 * Rules beyond the schema, checked before any request so the customer hears of them at once: the
 * core API checks the same (reference data), and the PATCH cannot clear an optional field.
 */
function extraIssues(next: AccountDraft, base: AccountDraft, countries?: readonly Country[]) {
  const issues: FieldIssue[] = [];
  for (const [field, path] of [
    ['phone', 'phone'],
    ['taxId', 'tax_id'],
  ] as const) {
    if (base[field] !== '' && next[field] === '') {
      issues.push({
        path,
        code: 'cannot_remove',
        message: 'This cannot be removed, only changed.',
      });
    }
  }
  const country = countries?.find((c) => c.code === next.country);
  if (countries && next.country && !country) {
    issues.push({
      path: 'billing_address.country',
      code: 'unknown_country',
      message: `${next.country} is not a supported country`,
    });
  } else if (country && next.region && !country.regions.some((r) => r.code === next.region)) {
    issues.push({
      path: 'billing_address.region',
      code: 'unknown_region',
      message: `${next.region} is not a region of ${next.country}`,
    });
  }
  return issues;
}

export type Validation =
  | { ok: true; body: AccountUpdate; changed: AccountField[]; draft: AccountDraft }
  | { ok: false; fieldErrors: AccountFieldErrors };

/**
 * Checks the draft with the contract's `AccountUpdate` schema (every field, so an invalid value
 * is caught even when unchanged) and builds the PATCH body of only what changed; an address
 * change sends the whole address, which the API replaces as one.
 */
export function validate(
  draft: AccountDraft,
  base: AccountDraft,
  countries?: readonly Country[],
): Validation {
  const next = normalise(draft);
  const optional = (key: string, value: string) => (value ? { [key]: value } : {});
  const candidate = {
    legal_name: next.legalName,
    billing_email: next.billingEmail,
    ...optional('phone', next.phone),
    billing_address: {
      line1: next.line1,
      ...optional('line2', next.line2),
      city: next.city,
      ...optional('region', next.region),
      postal_code: next.postalCode,
      country: next.country,
    },
    ...optional('tax_id', next.taxId),
  };
  const parsed = AccountUpdate.safeParse(candidate);
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => ({
          path: i.path.join('.'),
          code: i.code,
          message: i.message,
        }))),
    ...extraIssues(next, base, countries),
  ];
  if (!parsed.success || issues.length > 0) {
    return { ok: false, fieldErrors: fieldErrorsOf(issues, next) };
  }
  const changed = changedFields(next, base);
  const full = parsed.data;
  const body: AccountUpdate = {};
  if (changed.includes('legalName')) body.legal_name = full.legal_name;
  if (changed.includes('billingEmail')) body.billing_email = full.billing_email;
  if (changed.includes('phone')) body.phone = full.phone;
  if (changed.includes('taxId')) body.tax_id = full.tax_id;
  if (changed.some((field) => ADDRESS_FIELDS.has(field)))
    body.billing_address = full.billing_address;
  return { ok: true, body, changed, draft: next };
}

/**
 * The fields changed elsewhere (`theirs` differs from `base`, what the draft started from) to a
 * value the draft does not have. A field both sides set alike is no conflict.
 */
export function conflictsOf(
  base: AccountDraft,
  mine: AccountDraft,
  theirs: AccountDraft,
): FieldConflict[] {
  const [b, m, t] = [normalise(base), normalise(mine), normalise(theirs)];
  return ACCOUNT_FIELDS.filter((field) => t[field] !== b[field] && m[field] !== t[field]).map(
    (field) => ({ field, theirs: t[field], mine: m[field], edited: m[field] !== b[field] }),
  );
}

/**
 * The draft on top of the latest values: fields the customer did not edit take the latest; of
 * the conflicting fields the customer edited, `mine` keeps the draft's value, `theirs` the latest.
 */
export function rebase(
  base: AccountDraft,
  mine: AccountDraft,
  theirs: AccountDraft,
  choice: 'mine' | 'theirs',
): AccountDraft {
  const edited = new Set(changedFields(mine, base));
  const conflicting = new Set(conflictsOf(base, mine, theirs).map((c) => c.field));
  const next = { ...theirs };
  for (const field of edited) {
    if (choice === 'mine' || !conflicting.has(field)) next[field] = mine[field];
  }
  return next;
}
