/**
 * Tax ids by country format, written out here rather than taken from a library: the libraries that
 * know every country's numbers (with check digits) weigh more than this widget's whole budget,
 * and the core API, which decides, checks formats only (`core-api/reference-data.ts`). These are
 * the same rules, so a typo shows at the field before any request, and none stricter, so the
 * widget never refuses an id the API would take. Not imported from the core API: that module
 * carries every country's regions and would add kilobytes to the bundle.
 */
interface Rule {
  /** What the number is called locally. */
  readonly name: string;
  /** A well-formed example, for hints and error messages. */
  readonly example: string;
  /** The compact form: upper case, without grouping spaces, dots and hyphens (EIN keeps its hyphen). */
  readonly pattern: RegExp;
}

const RULES: Readonly<Record<string, Rule>> = {
  US: { name: 'EIN', example: '12-3456789', pattern: /^\d{2}-\d{7}$/ },
  // Standard (9 digits), branch traders (12), government departments (GD), health bodies (HA).
  GB: { name: 'VAT number', example: 'GB123456789', pattern: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/ },
  DE: { name: 'USt-IdNr.', example: 'DE123456789', pattern: /^DE\d{9}$/ },
  FR: { name: 'numéro de TVA', example: 'FR12345678901', pattern: /^FR[0-9A-Z]{2}\d{9}$/ },
  ES: { name: 'NIF-IVA', example: 'ESB12345678', pattern: /^ES[0-9A-Z]\d{7}[0-9A-Z]$/ },
  AT: { name: 'UID-Nummer', example: 'ATU12345678', pattern: /^ATU\d{8}$/ },
  BE: { name: 'BTW/TVA', example: 'BE0123456789', pattern: /^BE[01]\d{9}$/ },
  NL: { name: 'btw-id', example: 'NL123456789B01', pattern: /^NL\d{9}B\d{2}$/ },
  IT: { name: 'partita IVA', example: 'IT12345678901', pattern: /^IT\d{11}$/ },
  PT: { name: 'NIF', example: 'PT123456789', pattern: /^PT\d{9}$/ },
  IE: {
    name: 'VAT number',
    example: 'IE1234567WA',
    pattern: /^IE(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  },
  DK: { name: 'CVR', example: 'DK12345678', pattern: /^DK\d{8}$/ },
  FI: { name: 'ALV', example: 'FI12345678', pattern: /^FI\d{8}$/ },
  SE: { name: 'momsnummer', example: 'SE123456789001', pattern: /^SE\d{10}01$/ },
  PL: { name: 'NIP', example: 'PL1234567890', pattern: /^PL\d{10}$/ },
  CA: { name: 'Business Number', example: '123456789RT0001', pattern: /^\d{9}([A-Z]{2}\d{4})?$/ },
};

/** Countries without a rule take any plausible id: their numbers come in several kinds. */
const FALLBACK = /^[A-Z0-9 -]{2,32}$/;

export interface TaxIdFormat {
  name: string;
  example: string;
}

/** The expected format for a country, or undefined when any plausible id is accepted. */
export function taxIdFormat(country: string): TaxIdFormat | undefined {
  const rule = RULES[country];
  return rule && { name: rule.name, example: rule.example };
}

/**
 * The form the id is stored in: upper case, grouping removed, the EIN hyphenated, and the
 * country prefix of a VAT number added when only the digits were typed (`123456789` in Germany is
 * `DE123456789`). Anything that cannot be made to fit is returned trimmed and upper-cased, for
 * `isValidTaxId` to refuse.
 */
export function normaliseTaxId(country: string, input: string): string {
  const upper = input.trim().toUpperCase();
  const rule = RULES[country];
  if (!rule) return upper.replace(/\s+/g, ' ');
  let compact = upper.replace(/[\s.-]/g, '');
  if (country === 'US') compact = compact.replace(/^(\d{2})(\d{7})$/, '$1-$2');
  if (!rule.pattern.test(compact) && rule.pattern.test(country + compact))
    compact = country + compact;
  return rule.pattern.test(compact) ? compact : upper;
}

/** Whether `taxId` (as `normaliseTaxId` leaves it) is well formed for `country`. */
export function isValidTaxId(country: string, taxId: string): boolean {
  if (taxId.length < 2 || taxId.length > 32) return false;
  const rule = RULES[country];
  return rule ? rule.pattern.test(taxId) : FALLBACK.test(taxId);
}
