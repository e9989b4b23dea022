/**
 * Tax ids by country: what each is called, its format and how a typed number becomes that
 * format. The onboarding widget checks a field with it before anything is sent; the core API,
 * which decides, checks with it again. Format checks only: no check digits, no registry lookup.
 * A format-valid number may still not exist; catching typos and pasted nonsense at the form is the
 * aim, not fraud prevention. Libraries that know every country's numbers with their check digits
 * weigh more than a widget's whole budget, so the rules are written out here; no zod either, for
 * the same reason.
 *
 * Countries without a rule — AU, BH, BR, CH, IN, JP, KW, MX, NO, NZ, SG, and any country the
 * reference data does not list — accept 2–32 characters of upper-case letters, digits, spaces and
 * hyphens: their numbers come in several kinds (ABN or ACN, CNPJ or CPF, UID with or without
 * MWST…) and a wrong refusal blocks a real customer, which a loose check does not.
 */

export interface TaxIdFormat {
  /** What the number is called locally, as the customer finds it on their papers. */
  readonly name: string;
  /** A well-formed example, for hints and error messages. */
  readonly example: string;
}

export interface TaxIdRule extends TaxIdFormat {
  /** Other names the same number, or the one it is made from, goes by. */
  readonly otherNames?: readonly string[];
  /** The stored form: upper case, without grouping spaces, dots and hyphens unless `punctuated`. */
  readonly pattern: RegExp;
  /** The hyphen is part of the format (EIN): the core API does not ignore it. */
  readonly punctuated?: true;
  /** Turns a compacted local number into the stored form (a no-op when it does not apply). */
  readonly fromLocal?: (compact: string) => string;
}

export const TAX_ID_RULES: Readonly<Record<string, TaxIdRule>> = {
  US: {
    name: 'EIN',
    example: '12-3456789',
    pattern: /^\d{2}-\d{7}$/,
    punctuated: true,
    fromLocal: (compact) => compact.replace(/^(\d{2})(\d{7})$/, '$1-$2'),
  },
  // Standard (9 digits), branch traders (12), government departments (GD), health bodies (HA).
  GB: {
    name: 'VAT registration number',
    example: 'GB123456789',
    pattern: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
  },
  DE: { name: 'USt-IdNr.', example: 'DE123456789', pattern: /^DE\d{9}$/ },
  FR: {
    name: 'numéro de TVA intracommunautaire',
    otherNames: ['numéro de TVA'],
    example: 'FR12345678901',
    pattern: /^FR[0-9A-Z]{2}\d{9}$/,
  },
  ES: { name: 'NIF-IVA', example: 'ESB12345678', pattern: /^ES[0-9A-Z]\d{7}[0-9A-Z]$/ },
  AT: { name: 'UID-Nummer', example: 'ATU12345678', pattern: /^ATU\d{8}$/ },
  BE: { name: 'BTW/TVA number', example: 'BE0123456789', pattern: /^BE[01]\d{9}$/ },
  NL: { name: 'btw-id', example: 'NL123456789B01', pattern: /^NL\d{9}B\d{2}$/ },
  IT: { name: 'partita IVA', example: 'IT12345678901', pattern: /^IT\d{11}$/ },
  PT: { name: 'NIF', example: 'PT123456789', pattern: /^PT\d{9}$/ },
  IE: {
    name: 'VAT number',
    example: 'IE1234567WA',
    pattern: /^IE(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  },
  // The VAT number is DK and the 8-digit CVR number (or, for a registered unit, its SE number).
  DK: {
    name: 'CVR number',
    otherNames: ['CVR-nummer', 'SE-nummer', 'momsregistreringsnummer'],
    example: 'DK12345678',
    pattern: /^DK\d{8}$/,
  },
  // The VAT number (ALV-numero) is FI and the business id (Y-tunnus, 1234567-8) without its hyphen.
  FI: {
    name: 'Y-tunnus / ALV-numero',
    otherNames: ['Y-tunnus', 'ALV-numero', 'momsnummer'],
    example: 'FI12345678',
    pattern: /^FI\d{8}$/,
  },
  // The VAT number is SE, the 10-digit organisationsnummer and 01.
  SE: {
    name: 'momsregistreringsnummer',
    otherNames: ['momsnummer', 'VAT-nummer', 'organisationsnummer'],
    example: 'SE123456789001',
    pattern: /^SE\d{10}01$/,
    fromLocal: (compact) => compact.replace(/^(?:SE)?(\d{10})$/, 'SE$101'),
  },
  PL: { name: 'NIP', example: 'PL1234567890', pattern: /^PL\d{10}$/ },
  CA: { name: 'Business Number', example: '123456789RT0001', pattern: /^\d{9}([A-Z]{2}\d{4})?$/ },
};

/** Countries without a rule take any plausible id: their numbers come in several kinds. */
export const TAX_ID_FALLBACK = /^[A-Z0-9 -]{2,32}$/;

/** The countries with a format rule. */
export function taxIdCountries(): string[] {
  return Object.keys(TAX_ID_RULES);
}

/** The expected format for a country, or undefined when any plausible id is accepted. */
export function taxIdFormat(country: string): TaxIdFormat | undefined {
  const rule = TAX_ID_RULES[country];
  return rule && { name: rule.name, example: rule.example };
}

/**
 * The form the id is stored in: upper case, grouping removed, the country's local number turned
 * into its VAT form (the EIN hyphenated, a Swedish organisationsnummer given SE…01), and the
 * country prefix added when only the digits were typed (`123456789` in Germany is `DE123456789`).
 * Anything that cannot be made to fit is returned trimmed and upper-cased, for `isValidTaxId` to
 * refuse.
 */
export function normaliseTaxId(country: string, input: string): string {
  const upper = input.trim().toUpperCase();
  const rule = TAX_ID_RULES[country];
  if (!rule) return upper.replace(/\s+/g, ' ');
  let compact = upper.replace(/[\s.-]/g, '');
  if (rule.fromLocal) compact = rule.fromLocal(compact);
  if (!rule.pattern.test(compact) && rule.pattern.test(country + compact))
    compact = country + compact;
  return rule.pattern.test(compact) ? compact : upper;
}

/** Whether `taxId`, as `normaliseTaxId` leaves it, is well formed for `country`. */
export function isValidTaxId(country: string, taxId: string): boolean {
  if (taxId.length < 2 || taxId.length > 32) return false;
  const rule = TAX_ID_RULES[country];
  return rule ? rule.pattern.test(taxId) : TAX_ID_FALLBACK.test(taxId);
}

/**
 * Whether `taxId` is well formed for `country` as a server receives it: upper case, with grouping
 * spaces, dots and hyphens allowed where they are not part of the format.
 */
export function validateTaxId(country: string, taxId: string): boolean {
  if (taxId.length < 2 || taxId.length > 32) return false;
  const rule = TAX_ID_RULES[country];
  if (!rule) return TAX_ID_FALLBACK.test(taxId);
  return rule.pattern.test(rule.punctuated ? taxId : taxId.replace(/[ .-]/g, ''));
}
